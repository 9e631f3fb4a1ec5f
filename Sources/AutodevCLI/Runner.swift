internal import ArgumentParser
internal import AutodevCore

/// Turns domain errors into a message on stderr and the documented exit status.
enum Runner {
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as AutodevError {
            Output.diagnostic("autodev: error: \(error.message)")
            throw ExitCode(error.exitStatus.rawValue)
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            Output.diagnostic("autodev: error: \(error)")
            throw ExitCode(AutodevError.ExitStatus.failure.rawValue)
        }
    }
}
