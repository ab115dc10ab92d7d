/// Comma-separated values (RFC 4180) that are safe to open in a spreadsheet.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
/// Google Sheets as a formula, which can fetch URLs or run commands when the file is opened ("CSV injection").
/// Such cells are written with a leading apostrophe, which spreadsheets show as text and do not evaluate.
public struct CSVTable: Sendable {
    public private(set) var text: String

    public init(header: [String]) {
        text = ""
        append(header)
    }

    public mutating func append(_ row: [String]) {
        text += row.map(Self.cell).joined(separator: ",") + "\r\n"
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    /// One cell: formula-guarded, then quoted when it holds a comma, quote or line break.
    public static func cell(_ raw: String) -> String {
        var value = raw
        if let first = value.first, formulaStarts.contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            value = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// The bytes to send: UTF-8 with a byte-order mark, so Excel opens Bangla text correctly.
    public var data: [UInt8] { [0xEF, 0xBB, 0xBF] + Array(text.utf8) }
}
