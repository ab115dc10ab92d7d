import Foundation

/// Builds byte strings that are fed to a MAC or hash. Every variable-length field carries its length,
/// so no two different field lists can produce the same bytes ("ab"+"c" never equals "a"+"bc").
struct CanonicalEncoding {
    private(set) var bytes = Data()

    init(domain: String) {
        // The domain tag keeps bytes built for one purpose from ever being valid for another.
        append(domain)
    }

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Int64) {
        append(UInt64(bitPattern: value))
    }

    mutating func append(_ value: String) {
        let utf8 = Data(value.utf8)
        append(UInt64(utf8.count))
        bytes.append(utf8)
    }

    /// A presence byte comes first so that nil and "" encode differently.
    mutating func append(_ value: String?) {
        if let value {
            bytes.append(1)
            append(value)
        } else {
            bytes.append(0)
        }
    }
}

extension Sequence<UInt8> {
    /// Lowercase hexadecimal, two digits per byte.
    var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

