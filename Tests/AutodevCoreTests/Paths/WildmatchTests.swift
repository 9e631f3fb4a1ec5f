@testable import AutodevCore
import Foundation
import Testing

/// git's own wildmatch cases, from `t/t3070-wildmatch.sh` in github.com/git/git (GPL-2.0; the
/// cases are data, read out of its `match` lines): text, pattern, the result of
/// `wildmatch(pattern, text, WM_PATHNAME)` and of `wildmatch(pattern, text, 0)`. The
/// case-insensitive columns are left out: autodev matches case-sensitively, as git does with
/// `core.ignoreCase` false.
@Suite struct WildmatchTests {
    static let cases: [(String, String, Bool, Bool)] = [
        (#"foo"#, #"foo"#, true, true),
        (#"foo"#, #"bar"#, false, false),
        (#""#, #""#, true, true),
        (#"foo"#, #"???"#, true, true),
        (#"foo"#, #"??"#, false, false),
        (#"foo"#, #"*"#, true, true),
        (#"foo"#, #"f*"#, true, true),
        (#"foo"#, #"*f"#, false, false),
        (#"foo"#, #"*foo*"#, true, true),
        (#"foobar"#, #"*ob*a*r*"#, true, true),
        (#"aaaaaaabababab"#, #"*ab"#, true, true),
        (#"foo*"#, #"foo\*"#, true, true),
        (#"foobar"#, #"foo\*bar"#, false, false),
        (#"f\oo"#, #"f\\oo"#, true, true),
        (#"foo\"#, #"foo\"#, false, false),
        (#"ball"#, #"*[al]?"#, true, true),
        (#"ten"#, #"[ten]"#, false, false),
        (#"ten"#, #"**[!te]"#, true, true),
        (#"ten"#, #"**[!ten]"#, false, false),
        (#"ten"#, #"t[a-g]n"#, true, true),
        (#"ten"#, #"t[!a-g]n"#, false, false),
        (#"ton"#, #"t[!a-g]n"#, true, true),
        (#"ton"#, #"t[^a-g]n"#, true, true),
        (#"a]b"#, #"a[]]b"#, true, true),
        (#"a-b"#, #"a[]-]b"#, true, true),
        (#"a]b"#, #"a[]-]b"#, true, true),
        (#"aab"#, #"a[]-]b"#, false, false),
        (#"aab"#, #"a[]a-]b"#, true, true),
        (#"]"#, #"]"#, true, true),
        (#"foo/baz/bar"#, #"foo*bar"#, false, true),
        (#"foo/baz/bar"#, #"foo**bar"#, false, true),
        (#"foobazbar"#, #"foo**bar"#, true, true),
        (#"foo/baz/bar"#, #"foo/**/bar"#, true, true),
        (#"foo/baz/bar"#, #"foo/**/**/bar"#, true, false),
        (#"foo/b/a/z/bar"#, #"foo/**/bar"#, true, true),
        (#"foo/b/a/z/bar"#, #"foo/**/**/bar"#, true, true),
        (#"foo/bar"#, #"foo/**/bar"#, true, false),
        (#"foo/bar"#, #"foo/**/**/bar"#, true, false),
        (#"foo/bar"#, #"foo?bar"#, false, true),
        (#"foo/bar"#, #"foo[/]bar"#, false, true),
        (#"foo/bar"#, #"foo[^a-z]bar"#, false, true),
        (#"foo/bar"#, #"f[^eiu][^eiu][^eiu][^eiu][^eiu]r"#, false, true),
        (#"foo-bar"#, #"f[^eiu][^eiu][^eiu][^eiu][^eiu]r"#, true, true),
        (#"foo"#, #"**/foo"#, true, false),
        (#"XXX/foo"#, #"**/foo"#, true, true),
        (#"bar/baz/foo"#, #"**/foo"#, true, true),
        (#"bar/baz/foo"#, #"*/foo"#, false, true),
        (#"foo/bar/baz"#, #"**/bar*"#, false, true),
        (#"deep/foo/bar/baz"#, #"**/bar/*"#, true, true),
        (#"deep/foo/bar/baz/"#, #"**/bar/*"#, false, true),
        (#"deep/foo/bar/baz/"#, #"**/bar/**"#, true, true),
        (#"deep/foo/bar"#, #"**/bar/*"#, false, false),
        (#"deep/foo/bar/"#, #"**/bar/**"#, true, true),
        (#"foo/bar/baz"#, #"**/bar**"#, false, true),
        (#"foo/bar/baz/x"#, #"*/bar/**"#, true, true),
        (#"deep/foo/bar/baz/x"#, #"*/bar/**"#, false, true),
        (#"deep/foo/bar/baz/x"#, #"**/bar/*/*"#, true, true),
        (#"acrt"#, #"a[c-c]st"#, false, false),
        (#"acrt"#, #"a[c-c]rt"#, true, true),
        (#"]"#, #"[!]-]"#, false, false),
        (#"a"#, #"[!]-]"#, true, true),
        (#""#, #"\"#, false, false),
        (#"\"#, #"\"#, false, false),
        (#"XXX/\"#, #"*/\"#, false, false),
        (#"XXX/\"#, #"*/\\"#, true, true),
        (#"foo"#, #"foo"#, true, true),
        (#"@foo"#, #"@foo"#, true, true),
        (#"foo"#, #"@foo"#, false, false),
        (#"[ab]"#, #"\[ab]"#, true, true),
        (#"[ab]"#, #"[[]ab]"#, true, true),
        (#"[ab]"#, #"[[:]ab]"#, true, true),
        (#"[ab]"#, #"[[::]ab]"#, false, false),
        (#"[ab]"#, #"[[:digit]ab]"#, true, true),
        (#"[ab]"#, #"[\[:]ab]"#, true, true),
        (#"?a?b"#, #"\??\?b"#, true, true),
        (#"abc"#, #"\a\b\c"#, true, true),
        (#"foo"#, #""#, false, false),
        (#"foo/bar/baz/to"#, #"**/t[o]"#, true, true),
        (#"a1B"#, #"[[:alpha:]][[:digit:]][[:upper:]]"#, true, true),
        (#"a"#, #"[[:digit:][:upper:][:space:]]"#, false, false),
        (#"A"#, #"[[:digit:][:upper:][:space:]]"#, true, true),
        (#"1"#, #"[[:digit:][:upper:][:space:]]"#, true, true),
        (#"1"#, #"[[:digit:][:upper:][:spaci:]]"#, false, false),
        (#" "#, #"[[:digit:][:upper:][:space:]]"#, true, true),
        (#"."#, #"[[:digit:][:upper:][:space:]]"#, false, false),
        (#"."#, #"[[:digit:][:punct:][:space:]]"#, true, true),
        (#"5"#, #"[[:xdigit:]]"#, true, true),
        (#"f"#, #"[[:xdigit:]]"#, true, true),
        (#"D"#, #"[[:xdigit:]]"#, true, true),
        (#"_"#, #"[[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:graph:][:lower:][:print:][:punct:][:space:][:upper:][:xdigit:]]"#, true, true),
        (#"."#, #"[^[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:lower:][:space:][:upper:][:xdigit:]]"#, true, true),
        (#"5"#, #"[a-c[:digit:]x-z]"#, true, true),
        (#"b"#, #"[a-c[:digit:]x-z]"#, true, true),
        (#"y"#, #"[a-c[:digit:]x-z]"#, true, true),
        (#"q"#, #"[a-c[:digit:]x-z]"#, false, false),
        (#"]"#, #"[\\-^]"#, true, true),
        (#"["#, #"[\\-^]"#, false, false),
        (#"-"#, #"[\-_]"#, true, true),
        (#"]"#, #"[\]]"#, true, true),
        (#"\]"#, #"[\]]"#, false, false),
        (#"\"#, #"[\]]"#, false, false),
        (#"ab"#, #"a[]b"#, false, false),
        (#"a[]b"#, #"a[]b"#, false, false),
        (#"ab["#, #"ab["#, false, false),
        (#"ab"#, #"[!"#, false, false),
        (#"ab"#, #"[-"#, false, false),
        (#"-"#, #"[-]"#, true, true),
        (#"-"#, #"[a-"#, false, false),
        (#"-"#, #"[!a-"#, false, false),
        (#"-"#, #"[--A]"#, true, true),
        (#"5"#, #"[--A]"#, true, true),
        (#" "#, #"[ --]"#, true, true),
        (#"$"#, #"[ --]"#, true, true),
        (#"-"#, #"[ --]"#, true, true),
        (#"0"#, #"[ --]"#, false, false),
        (#"-"#, #"[---]"#, true, true),
        (#"-"#, #"[------]"#, true, true),
        (#"j"#, #"[a-e-n]"#, false, false),
        (#"-"#, #"[a-e-n]"#, true, true),
        (#"a"#, #"[!------]"#, true, true),
        (#"["#, #"[]-a]"#, false, false),
        (#"^"#, #"[]-a]"#, true, true),
        (#"^"#, #"[!]-a]"#, false, false),
        (#"["#, #"[!]-a]"#, true, true),
        (#"^"#, #"[a^bc]"#, true, true),
        (#"-b]"#, #"[a-]b]"#, true, true),
        (#"\"#, #"[\]"#, false, false),
        (#"\"#, #"[\\]"#, true, true),
        (#"\"#, #"[!\\]"#, false, false),
        (#"G"#, #"[A-\\]"#, true, true),
        (#"aaabbb"#, #"b*a"#, false, false),
        (#"aabcaa"#, #"*ba*"#, false, false),
        (#","#, #"[,]"#, true, true),
        (#","#, #"[\\,]"#, true, true),
        (#"\"#, #"[\\,]"#, true, true),
        (#"-"#, #"[,-.]"#, true, true),
        (#"+"#, #"[,-.]"#, false, false),
        (#"-.]"#, #"[,-.]"#, false, false),
        (#"2"#, #"[\1-\3]"#, true, true),
        (#"3"#, #"[\1-\3]"#, true, true),
        (#"4"#, #"[\1-\3]"#, false, false),
        (#"\"#, #"[[-\]]"#, true, true),
        (#"["#, #"[[-\]]"#, true, true),
        (#"]"#, #"[[-\]]"#, true, true),
        (#"-"#, #"[[-\]]"#, false, false),
        (#"-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1"#, #"-*-*-*-*-*-*-12-*-*-*-m-*-*-*"#, true, true),
        (#"-adobe-courier-bold-o-normal--12-120-75-75-X-70-iso8859-1"#, #"-*-*-*-*-*-*-12-*-*-*-m-*-*-*"#, false, false),
        (#"-adobe-courier-bold-o-normal--12-120-75-75-/-70-iso8859-1"#, #"-*-*-*-*-*-*-12-*-*-*-m-*-*-*"#, false, false),
        (#"XXX/adobe/courier/bold/o/normal//12/120/75/75/m/70/iso8859/1"#, #"XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*"#, true, true),
        (#"XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1"#, #"XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*"#, false, false),
        (#"abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt"#, #"**/*a*b*g*n*t"#, true, true),
        (#"abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz"#, #"**/*a*b*g*n*t"#, false, false),
        (#"foo"#, #"*/*/*"#, false, false),
        (#"foo/bar"#, #"*/*/*"#, false, false),
        (#"foo/bba/arr"#, #"*/*/*"#, true, true),
        (#"foo/bb/aa/rr"#, #"*/*/*"#, false, true),
        (#"foo/bb/aa/rr"#, #"**/**/**"#, true, true),
        (#"abcXdefXghi"#, #"*X*i"#, true, true),
        (#"ab/cXd/efXg/hi"#, #"*X*i"#, false, true),
        (#"ab/cXd/efXg/hi"#, #"*/*X*/*/*i"#, true, true),
        (#"ab/cXd/efXg/hi"#, #"**/*X*/**/*i"#, true, true),
        (#"foo"#, #"fo"#, false, false),
        (#"foo/bar"#, #"foo/bar"#, true, true),
        (#"foo/bar"#, #"foo/*"#, true, true),
        (#"foo/bba/arr"#, #"foo/*"#, false, true),
        (#"foo/bba/arr"#, #"foo/**"#, true, true),
        (#"foo/bba/arr"#, #"foo*"#, false, true),
        (#"foo/bba/arr"#, #"foo**"#, false, true),
        (#"foo/bba/arr"#, #"foo/*arr"#, false, true),
        (#"foo/bba/arr"#, #"foo/**arr"#, false, true),
        (#"foo/bba/arr"#, #"foo/*z"#, false, false),
        (#"foo/bba/arr"#, #"foo/**z"#, false, false),
        (#"foo/bar"#, #"foo?bar"#, false, true),
        (#"foo/bar"#, #"foo[/]bar"#, false, true),
        (#"foo/bar"#, #"foo[^a-z]bar"#, false, true),
        (#"ab/cXd/efXg/hi"#, #"*Xg*i"#, false, true),
        (#"a"#, #"[A-Z]"#, false, false),
        (#"A"#, #"[A-Z]"#, true, true),
        (#"A"#, #"[a-z]"#, false, false),
        (#"a"#, #"[a-z]"#, true, true),
        (#"a"#, #"[[:upper:]]"#, false, false),
        (#"A"#, #"[[:upper:]]"#, true, true),
        (#"A"#, #"[[:lower:]]"#, false, false),
        (#"a"#, #"[[:lower:]]"#, true, true),
        (#"A"#, #"[B-Za]"#, false, false),
        (#"a"#, #"[B-Za]"#, true, true),
        (#"A"#, #"[B-a]"#, false, false),
        (#"a"#, #"[B-a]"#, true, true),
        (#"z"#, #"[Z-y]"#, false, false),
        (#"Z"#, #"[Z-y]"#, true, true),
    ]

    @Test func theTableHoldsEveryCaseOfGitsSuite() {
        #expect(WildmatchTests.cases.count == 190)
    }

    @Test("git's wildmatch cases, with WM_PATHNAME", arguments: WildmatchTests.cases)
    func pathnameMatching(text: String, pattern: String, pathname: Bool, plain: Bool) {
        #expect(Wildmatch.matches(Array(pattern.utf8), Array(text.utf8), pathname: true) == pathname)
    }

    @Test("git's wildmatch cases, without WM_PATHNAME", arguments: WildmatchTests.cases)
    func plainMatching(text: String, pattern: String, pathname: Bool, plain: Bool) {
        #expect(Wildmatch.matches(Array(pattern.utf8), Array(text.utf8), pathname: false) == plain)
    }

    /// git's "matching does not exhibit exponential behavior": with naive backtracking this
    /// takes minutes; git's abort results make it immediate.
    @Test func manyStarsDoNotBacktrackExponentially() {
        let text = String(repeating: "a", count: 59) + "b"
        let pattern = String(repeating: "*a", count: 16)
        #expect(!Wildmatch.matches(Array(pattern.utf8), Array(text.utf8), pathname: true))
        #expect(!Wildmatch.matches(Array(pattern.utf8), Array(text.utf8), pathname: false))
    }

    @Test("POSIX classes are git's ASCII ones", arguments: CharacterClass.allCases)
    func characterClassesAgreeWithTheirDefinition(named: CharacterClass) {
        // Against the C library in the C locale, which is where git's sane ctype agrees with it,
        // except that git's [:space:] leaves out vertical tab and form feed.
        for byte in UInt8(0)...UInt8(255) {
            let c = Int32(byte)
            let expected: Bool = switch named {
            case .alnum: byte < 128 && isalnum(c) != 0
            case .alpha: byte < 128 && isalpha(c) != 0
            case .blank: byte == 0x20 || byte == 0x09
            case .cntrl: byte < 128 && iscntrl(c) != 0
            case .digit: byte < 128 && isdigit(c) != 0
            case .graph: byte < 128 && isgraph(c) != 0
            case .lower: byte < 128 && islower(c) != 0
            case .print: byte < 128 && isprint(c) != 0
            case .punct: byte < 128 && ispunct(c) != 0
            case .space: byte < 128 && isspace(c) != 0 && byte != 0x0b && byte != 0x0c
            case .upper: byte < 128 && isupper(c) != 0
            case .xdigit: byte < 128 && isxdigit(c) != 0
            }
            #expect(named.contains(byte) == expected, "[:\(named.rawValue):] and byte \(byte)")
        }
    }
}
