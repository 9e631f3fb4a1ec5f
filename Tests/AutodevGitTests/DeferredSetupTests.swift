import AutodevGit
import AutodevTestSupport
import CGitShim
import Foundation
import Testing

/// libgit2's TLS and SSH set-up is left out of start-up and runs on first use (see
/// Sources/CGitShim/shim.c). The first TLS use must still get the real set-up: certificates
/// load, and a file that is not a certificate is refused, as libgit2 does without the deferral.
@Suite(.serialized) struct DeferredSetupTests {
    @Test func tlsSetUpRunsOnFirstUseAndStillChecksCertificates() throws {
        // Start-up as autodev does it: opening a repository initialises libgit2.
        let fixture = try GitFixture()
        _ = try Repository.open(at: fixture.path)

        let bundle = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]
            .first { FileManager.default.fileExists(atPath: $0) }
        let notACertificate = fixture.directory.path + "/not-a-certificate.pem"
        try Data("this is not a certificate\n".utf8).write(to: URL(fileURLWithPath: notACertificate))
        #expect(autodev_git_set_certificate_file(notACertificate) < 0, "garbage is refused")
        if let bundle {
            #expect(autodev_git_set_certificate_file(bundle) == 0, "the system bundle loads")
        }
    }
}
