/// Turns one item's file operations into complete file contents, all or nothing: every edit is
/// tried on the content it applies to before anything is returned.
enum FileOperations {
    static func apply(_ operations: [AnswerScanner.Operation], format: AnswerFormat,
                      current: (String) -> [UInt8]?) throws(AnswerProblem) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        var wholes: [String: [UInt8]] = [:]
        for operation in operations {
            switch operation {
            case .whole(let path, let content):
                if let earlier = wholes[path], earlier != content {
                    throw AnswerProblem(.conflictingFile, path: path, "\(path) is given twice with different content")
                }
                if format.editFormat == .searchReplace, wholes[path] == nil, result[path] == nil, current(path) != nil {
                    throw AnswerProblem(.wrongFormat, path: path,
                                        "\(path) exists: change it with SEARCH/REPLACE edits, not a whole file")
                }
                wholes[path] = content
                result[path] = content
            case .edits(let path, let edits):
                var content = result[path] ?? current(path)
                for edit in edits {
                    content = try apply(edit, to: content, path: path)
                }
                result[path] = content
            }
        }
        for (path, content) in result where content.count > format.maxFileBytes {
            throw AnswerProblem(.tooLarge, path: path,
                                "\(path) is \(content.count) bytes, over the limit of \(format.maxFileBytes) bytes")
        }
        return result
    }

    /// One edit on a file's content (nil: no such file).
    static func apply(_ edit: AnswerScanner.Edit, to content: [UInt8]?, path: String) throws(AnswerProblem) -> [UInt8] {
        let newline: [UInt8] = content.map { contains($0, [13, 10]) } == true ? [13, 10] : [10]
        let replace = join(edit.replace, newline)
        if edit.search.isEmpty {
            if let content, !content.isEmpty {
                throw AnswerProblem(.editDoesNotApply, path: path,
                                    "\(path): an empty SEARCH creates a new file, but \(path) exists; put the lines to replace in the SEARCH")
            }
            return replace
        }
        let firstLine = AnswerScanner.quote(edit.search[0])
        guard let content else {
            throw AnswerProblem(.editDoesNotApply, path: path,
                                "\(path) does not exist, so the SEARCH starting \(firstLine) cannot match; to create the file, use an empty SEARCH")
        }
        let search = join(edit.search, newline)
        let found = occurrences(of: search, in: content, limit: 2)
        if found.count == 1 {
            return Array(content[..<found[0]]) + replace + content[(found[0] + search.count)...]
        }
        if found.count > 1 {
            throw AnswerProblem(.editDoesNotApply, path: path,
                                "\(path): the SEARCH starting \(firstLine) matches more than once; add lines to make it unique")
        }
        // The file's last line has no newline: the SEARCH may end there.
        if content.last != 10 {
            let bare = Array(search.dropLast(newline.count))
            if !bare.isEmpty, content.count >= bare.count, Array(content.suffix(bare.count)) == bare,
               occurrences(of: bare, in: content, limit: 2).count == 1 {
                let kept = replace.count >= newline.count && Array(replace.suffix(newline.count)) == newline
                    ? Array(replace.dropLast(newline.count)) : replace
                return Array(content.dropLast(bare.count)) + kept
            }
        }
        throw AnswerProblem(.editDoesNotApply, path: path, "\(path): the SEARCH starting \(firstLine) does not match the file")
    }

    private static func join(_ lines: [Substring], _ newline: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for line in lines {
            bytes += line.utf8
            bytes += newline
        }
        return bytes
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        !occurrences(of: needle, in: haystack, limit: 1).isEmpty
    }

    /// Start offsets of `needle` in `haystack`, overlapping ones included, at most `limit`.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8], limit: Int) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        let first = needle[0]
        let last = haystack.count - needle.count
        haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var index = 0
                while index <= last {
                    if hay[index] == first {
                        var offset = 1
                        while offset < pin.count, hay[index + offset] == pin[offset] { offset += 1 }
                        if offset == pin.count {
                            found.append(index)
                            if found.count >= limit { return }
                        }
                    }
                    index += 1
                }
            }
        }
        return found
    }
}
