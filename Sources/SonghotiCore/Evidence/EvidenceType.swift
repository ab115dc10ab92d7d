import Foundation

/// The kinds of evidence file Songhoti accepts, recognised by their first bytes, never by name or declared type alone.
public enum EvidenceType: String, CaseIterable, Sendable {
    case jpeg, png, pdf, mp3, m4a, ogg, wav, amr

    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .pdf: "application/pdf"
        case .mp3: "audio/mpeg"
        case .m4a: "audio/mp4"
        case .ogg: "audio/ogg"
        case .wav: "audio/wav"
        case .amr: "audio/amr"
        }
    }

    public var fileExtension: String { rawValue }

    public static let maximumBytes = 20 * 1024 * 1024

    /// The type the content actually is, or nil when it is none of the accepted kinds.
    public static func detect(_ bytes: Data) -> EvidenceType? {
        let b = [UInt8](bytes.prefix(16))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + prefix.count && Array(b[offset..<offset + prefix.count]) == prefix
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts(Array("ID3".utf8)) || (b.count >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0) { return .mp3 }
        if starts(Array("ftyp".utf8), at: 4) { return .m4a }
        if starts(Array("OggS".utf8)) { return .ogg }
        if starts(Array("RIFF".utf8)) && starts(Array("WAVE".utf8), at: 8) { return .wav }
        if starts(Array("#!AMR".utf8)) { return .amr }
        return nil
    }
}
