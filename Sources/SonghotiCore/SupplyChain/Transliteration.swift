import Foundation

/// Turns any script into plain ASCII for comparison (never for display).
///
/// Bengali is transliterated phonetically by a small table (so "আবন্তি গার্মেন্টস লিমিটেড" becomes
/// "abanti garments limited" and meets the English spelling); everything else goes through ICU's
/// `Any-Latin; Latin-ASCII` (diacritics folded, "ß" → "ss", "ı" → "i", Chinese → pinyin, Cyrillic → Latin),
/// which swift-corelibs-foundation provides on Linux too. Scripts ICU cannot romanise (e.g. Khmer) are left
/// as they are. ASCII input is returned unchanged without touching ICU.
enum Transliteration {
    static let icuToASCII = StringTransform(rawValue: "Any-Latin; Latin-ASCII")

    static func toASCII(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var working = text
        if working.unicodeScalars.contains(where: { Bengali.isBengali($0) }) {
            working = Bengali.transliterate(working)
        }
        if working.utf8.allSatisfy({ $0 < 0x80 }) { return working }
        return working.applyingTransform(icuToASCII, reverse: false) ?? working
    }
}

/// Phonetic Bengali → Latin, the way Bangladeshi factory names are usually spelled in English lists.
///
/// Rules: consonants carry an inherent "a" unless followed by a vowel sign or hasanta (্), or at the end
/// of a word (schwa deletion: "লিমিটেড" → "limited", not "limiteda"); ya-phala before aa-kar gives the
/// English "a" of "fashion"/"apparel". Common loanwords of factory names ("গার্মেন্টস", "লিঃ") are mapped
/// whole to their English spelling.
enum Bengali {
    static func isBengali(_ scalar: Unicode.Scalar) -> Bool { (0x0980...0x09FF).contains(scalar.value) }

    static let words: [String: String] = [
        "লিমিটেড": "limited", "লিঃ": "ltd", "লি:": "ltd", "প্রাইভেট": "private", "প্রাঃ": "pvt",
        "গার্মেন্টস": "garments", "গার্মেন্টস্": "garments", "গার্মেন্ট": "garment", "গার্মেন্টস্‌": "garments",
        "ফ্যাশন": "fashion", "ফ্যাশনস": "fashions", "ফ্যাশনস্": "fashions",
        "টেক্সটাইল": "textile", "টেক্সটাইলস": "textiles", "টেক্সটাইলস্": "textiles",
        "অ্যাপারেল": "apparel", "অ্যাপারেলস": "apparels", "এ্যাপারেল": "apparel", "এ্যাপারেলস": "apparels",
        "নিটওয়্যার": "knitwear", "নিটওয়্যারস": "knitwears", "নিট": "knit", "কম্পোজিট": "composite",
        "ইন্ডাস্ট্রিজ": "industries", "ইন্ডাস্ট্রি": "industry", "মিলস": "mills", "মিল": "mill",
        "কোম্পানি": "company", "কোম্পানী": "company", "কোং": "co", "এন্ড": "and", "অ্যান্ড": "and", "এ্যান্ড": "and",
        "ইউনিট": "unit", "সোয়েটার": "sweater", "সোয়েটার্স": "sweaters", "ডেনিম": "denim",
        "ফ্যাক্টরি": "factory", "ডিজাইন": "design", "ডিজাইনস": "designs", "স্টাইল": "style", "স্টাইলস": "styles",
        "ইন্টারন্যাশনাল": "international", "গ্রুপ": "group", "এক্সপোর্টস": "exports", "ওয়াশিং": "washing",
        "প্রথম": "first", "দ্বিতীয়": "second", "তৃতীয়": "third", "চতুর্থ": "fourth", "শাখা": "branch",
        "রোড": "road", "নং": "no", "প্লট": "plot",
    ]

    static let independentVowels: [UInt32: String] = [
        0x0985: "a", 0x0986: "a", 0x0987: "i", 0x0988: "i", 0x0989: "u", 0x098A: "u", 0x098B: "ri",
        0x098C: "li", 0x098F: "e", 0x0990: "oi", 0x0993: "o", 0x0994: "ou",
    ]
    static let vowelSigns: [UInt32: String] = [
        0x09BE: "a", 0x09BF: "i", 0x09C0: "i", 0x09C1: "u", 0x09C2: "u", 0x09C3: "ri", 0x09C7: "e",
        0x09C8: "oi", 0x09CB: "o", 0x09CC: "ou", 0x09D7: "",
    ]
    static let consonants: [UInt32: String] = [
        0x0995: "k", 0x0996: "kh", 0x0997: "g", 0x0998: "gh", 0x0999: "ng", 0x099A: "ch", 0x099B: "chh",
        0x099C: "j", 0x099D: "jh", 0x099E: "n", 0x099F: "t", 0x09A0: "th", 0x09A1: "d", 0x09A2: "dh",
        0x09A3: "n", 0x09A4: "t", 0x09A5: "th", 0x09A6: "d", 0x09A7: "dh", 0x09A8: "n", 0x09AA: "p",
        0x09AB: "f", 0x09AC: "b", 0x09AD: "bh", 0x09AE: "m", 0x09AF: "j", 0x09B0: "r", 0x09B2: "l",
        0x09B6: "sh", 0x09B7: "sh", 0x09B8: "s", 0x09B9: "h", 0x09DC: "r", 0x09DD: "rh", 0x09DF: "y",
    ]
    static let hasanta: UInt32 = 0x09CD
    static let nukta: UInt32 = 0x09BC

    static func transliterate(_ text: String) -> String {
        // Split into Bengali words and everything else; map whole words first.
        var out = ""
        var word: [Unicode.Scalar] = []
        func flush() {
            guard !word.isEmpty else { return }
            var string = String(String.UnicodeScalarView(word))
            // ZWNJ/ZWJ appear inside words typed on phones; they carry no sound.
            string.unicodeScalars.removeAll { $0.value == 0x200C || $0.value == 0x200D }
            out += words[string] ?? transliterateWord(Array(string.unicodeScalars))
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if isBengali(scalar) || ((scalar.value == 0x200C || scalar.value == 0x200D) && !word.isEmpty) {
                if (0x09E6...0x09EF).contains(scalar.value) {
                    flush()
                    out.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x09E6 + 0x30)!)
                } else {
                    word.append(scalar)
                }
            } else {
                flush()
                if scalar.value == 0x0964 || scalar.value == 0x0965 { out += "." } else { out.unicodeScalars.append(scalar) }
            }
        }
        flush()
        return out
    }

    static func transliterateWord(_ scalars: [Unicode.Scalar]) -> String {
        var values = scalars.map(\.value)
        // Consonant + nukta → the dotted letter (ড় ঢ় য়).
        var k = 0
        while k + 1 < values.count {
            if values[k + 1] == nukta, let dotted = [0x09A1: 0x09DC, 0x09A2: 0x09DD, 0x09AF: 0x09DF][values[k]] {
                values[k] = UInt32(dotted)
                values.remove(at: k + 1)
            }
            k += 1
        }
        func at(_ index: Int) -> UInt32? { index < values.count ? values[index] : nil }
        var out = ""
        var i = 0
        while i < values.count {
            let v = values[i]
            if let vowel = independentVowels[v] {
                out += vowel
                i += 1
                // অ্যা / এ্যা: an independent vowel with ya-phala spells the English "a" ("অ্যাপারেল").
                if at(i) == hasanta, at(i + 1) == 0x09AF {
                    i += 2
                    if at(i) == 0x09BE { i += 1 }
                    out = String(out.dropLast(vowel.count)) + "a"
                }
            } else if let sign = vowelSigns[v] {
                out += sign
                i += 1
            } else if let consonant = consonants[v] {
                out += consonant
                i += 1
                if at(i) == hasanta {
                    i += 1
                    // Ya-phala (্য): "æ" before aa-kar ("ফ্যাশন" → "fashan"), otherwise a "y" glide.
                    if at(i) == 0x09AF {
                        i += 1
                        if at(i) == 0x09BE { out += "a"; i += 1 } else { out += "y" }
                    }
                } else if let next = at(i), vowelSigns[next] != nil {
                    // the vowel sign supplies the vowel
                } else if at(i) != nil || values.count == 1 {
                    out += "a"   // inherent vowel; silent at the end of a word (schwa deletion)
                }
            } else {
                switch v {
                case 0x09CE: out += "t"
                case 0x0982: out += "ng"
                case 0x0983: out += "h"
                case 0x09F3: out += " tk "
                default: break   // candrabindu (nasal), stray hasanta or nukta: no letter
                }
                i += 1
            }
        }
        return out
    }
}
