/// A lenient RFC 4180 reader for uploaded supplier lists.
///
/// - Quoted fields may hold delimiters, doubled quotes (`""`) and line breaks.
/// - Records end at CRLF, LF or a lone CR. A UTF-8 byte-order mark is ignored.
/// - The delimiter is sniffed from the first line among `,` `;` TAB `|` (most frequent outside quotes;
///   a tie goes to that order), because spreadsheets in many locales save with `;`.
/// - Leniency where spreadsheets are sloppy: a quote inside an unquoted field is kept as text, and text
///   after a closing quote is appended to the field. Only a quote that is never closed is an error.
/// - Numbering: the header is record 0 and data records are numbered 1, 2, 3 … in file order. Blank
///   records (empty lines, or only delimiters) are skipped but still counted, so data record N is row
///   N + 1 of the spreadsheet the list came from (quoted line breaks stay inside one spreadsheet row).
enum SupplierCSV {
    struct Record: Sendable {
        /// 1-based data record number (header excluded); see the type's note on numbering.
        let number: Int
        let fields: [String]
    }

    static let candidateDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

    /// Splits text into the header fields and the non-blank data records.
    static func read(_ text: String) throws(SupplierListError) -> (header: [String], records: [Record]) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { throw .empty }
        let delimiter = sniffDelimiter(bytes)
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotedRecordStart = 0
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            records.append(fields)
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    field.append(byte)
                }
                i += 1
                continue
            }
            switch byte {
            case quote where field.isEmpty:
                inQuotes = true
                quotedRecordStart = records.count
            case delimiter:
                endField()
            case lf:
                endRecord()
            case cr:
                endRecord()
                if i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
            default:
                field.append(byte)
            }
            i += 1
        }
        if inQuotes { throw .malformed(row: quotedRecordStart) }
        if !field.isEmpty || !fields.isEmpty { endRecord() }

        guard let header = records.first else { throw .empty }
        var data: [Record] = []
        for (offset, fields) in records.dropFirst().enumerated() {
            if fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
            data.append(Record(number: offset + 1, fields: fields))
        }
        return (header, data)
    }

    /// The most frequent candidate delimiter outside quotes on the first line; comma when none occurs.
    static func sniffDelimiter(_ bytes: [UInt8]) -> UInt8 {
        var counts = [UInt8: Int]()
        var inQuotes = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if !inQuotes && (byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")) { break }
            if !inQuotes && candidateDelimiters.contains(byte) { counts[byte, default: 0] += 1 }
        }
        var best = candidateDelimiters[0]
        var bestCount = 0
        for candidate in candidateDelimiters where counts[candidate, default: 0] > bestCount {
            best = candidate
            bestCount = counts[candidate, default: 0]
        }
        return best
    }
}
