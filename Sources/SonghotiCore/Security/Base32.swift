import Foundation

/// RFC 4648 base 32, the encoding authenticator apps expect for TOTP secrets.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Without "=" padding, as authenticator apps and otpauth URIs use it.
    public static func encode(_ data: Data) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((data.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bitCount = 0
        for byte in data {
            buffer = (buffer << 8) | UInt32(byte)
            bitCount += 8
            while bitCount >= 5 {
                bitCount -= 5
                out.append(alphabet[Int((buffer >> UInt32(bitCount)) & 0x1F)])
            }
        }
        if bitCount > 0 {
            out.append(alphabet[Int((buffer << UInt32(5 - bitCount)) & 0x1F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Case-insensitive; spaces and "=" are ignored because people copy secrets in groups of four.
    /// Returns nil for any other character or for a length no encoder produces.
    public static func decode(_ string: String) -> Data? {
        var out = Data()
        var buffer: UInt32 = 0
        var bitCount = 0
        var symbolCount = 0
        for byte in string.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = byte - UInt8(ascii: "2") + 26
            case UInt8(ascii: " "), UInt8(ascii: "="): continue
            default: return nil
            }
            symbolCount += 1
            buffer = (buffer << 5) | UInt32(value)
            bitCount += 5
            if bitCount >= 8 {
                bitCount -= 8
                out.append(UInt8((buffer >> UInt32(bitCount)) & 0xFF))
            }
        }
        // A final group of 1, 3 or 6 symbols cannot come from whole bytes.
        switch symbolCount % 8 {
        case 1, 3, 6: return nil
        default: return out
        }
    }
}
