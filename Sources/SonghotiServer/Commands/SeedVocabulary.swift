import Foundation

/// A small deterministic random generator (SplitMix64), so a seed always produces the same dataset.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &self)] }

    /// A value drawn with the given relative weights.
    mutating func weighted<T>(_ pairs: [(T, Int)]) -> T {
        let total = pairs.reduce(0) { $0 + $1.1 }
        var roll = Int.random(in: 0..<total, using: &self)
        for (value, weight) in pairs {
            if roll < weight { return value }
            roll -= weight
        }
        return pairs[pairs.count - 1].0
    }
}

/// Words and shapes for synthetic — never real — workers, factories and case narratives, in English and Bangla.
enum SeedVocabulary {
    static let femaleNames = ["Rahima Begum", "Kulsum Akter", "Moyna Khatun", "Shirin Sultana", "Nasima Akter", "Taslima Khatun", "Rokeya Begum",
                              "Jesmin Ara", "Fatema Khatun", "Shahnaz Parvin", "Morium Begum", "Rupa Akter", "Lovely Akter", "Popy Rani",
                              "রহিমা বেগম", "কুলসুম আক্তার", "ময়না খাতুন", "শিরিন সুলতানা", "নাসিমা আক্তার", "তাসলিমা খাতুন", "রোকেয়া বেগম",
                              "জেসমিন আরা", "ফাতেমা খাতুন", "শাহনাজ পারভীন"]
    static let maleNames = ["Abdul Karim", "Md. Rafiqul Islam", "Shahidul Haque", "Jahangir Alam", "Mizanur Rahman", "Sohel Rana",
                            "আবদুল করিম", "মোঃ রফিকুল ইসলাম", "শহিদুল হক", "জাহাঙ্গীর আলম", "মিজানুর রহমান", "সোহেল রানা"]
    static let districts: [(String, [String])] = [
        ("Dhaka", ["Savar", "Dhamrai", "Keraniganj"]), ("Gazipur", ["Gazipur Sadar", "Kaliakair", "Sreepur", "Tongi"]),
        ("Narayanganj", ["Fatullah", "Rupganj", "Sonargaon"]), ("Chattogram", ["Patenga", "Sitakunda", "Pahartali"]),
    ]
    static let occupations = [("sewing operator", "5"), ("helper", "7"), ("quality inspector", "4"), ("cutting master", "3"), ("ironman", "6"),
                              ("line supervisor", "2"), ("knitting operator", "5"), ("finishing helper", "7")]
    static let factoryWords = ["Abanti", "Rupa", "Meghna", "Padma", "Sonar Bangla", "Jamuna", "Karnaphuli", "Shapla", "Green Valley", "Delta",
                               "Northern", "Bengal", "Crown", "Silver Line", "Surma"]
    static let factoryKinds = ["Knit Composite", "Apparels", "Garments", "Fashions", "Textiles", "Sweaters", "Denim"]
    static let agencies = ["Al Noor Overseas", "Sky Bridge Manpower", "Golden Wings Recruiting", "Global Link Manpower"]
    static let destinations = ["MY", "SA", "AE", "QA", "JO", "KW", "OM"]

    static let englishOpenings = [
        "{n} months of unpaid wages and overtime at the {s} section.",
        "Dismissed without notice after asking about the overtime rate; {n} colleagues in the {s} section say the same.",
        "Factory closed after the owner left; severance and last {n} months' wages not paid to the {s} section.",
        "Maternity benefit refused when she told the {s} supervisor; she has {n} months of service.",
        "Worker says the {s} line chief shouts and threatens; {n} workers walked out last week.",
        "Earned leave not paid at resignation after {n} years in the {s} section.",
        "Union members in the {s} section transferred and then dismissed; {n} named in the letter.",
        "Fire exit on the {s} floor locked during the night shift; {n} workers reported it.",
    ]
    static let banglaOpenings = [
        "{n} মাসের মজুরি ও ওভারটাইম বকেয়া, {s} সেকশনে।",
        "ওভারটাইমের হার জানতে চাওয়ায় নোটিশ ছাড়াই ছাঁটাই; {s} সেকশনের আরও {n} জন একই কথা বলছেন।",
        "মালিক পালানোর পর কারখানা বন্ধ; {s} সেকশনের শ্রমিকদের {n} মাসের মজুরি ও সার্ভিস বেনিফিট পাওনা।",
        "{s} সুপারভাইজারকে জানানোর পর মাতৃত্বকালীন সুবিধা দেওয়া হয়নি; চাকরির বয়স {n} মাস।",
        "{s} লাইনের চিফ গালিগালাজ ও হুমকি দেন; গত সপ্তাহে {n} জন কাজ বন্ধ করেন।",
        "ইস্তফার সময় অর্জিত ছুটির টাকা দেওয়া হয়নি; {s} সেকশনে {n} বছর কাজ করেছেন।",
        "{s} সেকশনের ইউনিয়ন সদস্যদের বদলি করে পরে ছাঁটাই; চিঠিতে {n} জনের নাম।",
    ]
    static let sectionsEnglish = ["sewing", "cutting", "finishing", "knitting", "dyeing", "packing", "washing"]
    static let sectionsBangla = ["সেলাই", "কাটিং", "ফিনিশিং", "নিটিং", "ডাইং", "প্যাকিং", "ওয়াশিং"]
    static let englishNotes = [
        "Called the worker; she confirms the dates and will bring her pay slips.",
        "Letter sent to the factory's HR manager asking for payment within 7 days.",
        "Meeting with the compliance officer; they promised to check the attendance records.",
        "Hearing at the labour court adjourned to next month.",
        "Counselling session held; the worker is safe and staying with her sister.",
        "Buyer's compliance team informed by email with the worker's consent.",
        "Worker reports the supervisor threatened her after our visit.",
        "Payment sheet received; the overtime is calculated at the ordinary rate.",
    ]
    static let banglaNotes = [
        "শ্রমিককে ফোন করা হয়েছে; তিনি তারিখগুলো নিশ্চিত করেছেন এবং বেতনের স্লিপ আনবেন।",
        "কারখানার এইচআর ম্যানেজারকে ৭ দিনের মধ্যে পরিশোধের অনুরোধ জানিয়ে চিঠি পাঠানো হয়েছে।",
        "কমপ্লায়েন্স অফিসারের সঙ্গে বৈঠক; হাজিরার রেকর্ড দেখবেন বলেছেন।",
        "শ্রম আদালতে শুনানি আগামী মাস পর্যন্ত মুলতবি।",
        "কাউন্সেলিং সেশন হয়েছে; শ্রমিক নিরাপদে বোনের বাসায় আছেন।",
        "শ্রমিকের সম্মতিতে ক্রেতার কমপ্লায়েন্স টিমকে ইমেইলে জানানো হয়েছে।",
        "আমাদের পরিদর্শনের পর সুপারভাইজার হুমকি দিয়েছেন বলে শ্রমিক জানিয়েছেন।",
        "পেমেন্ট শিট পাওয়া গেছে; ওভারটাইম সাধারণ হারে হিসাব করা হয়েছে।",
    ]

    static func name(_ random: inout SeededRandom, female: Bool) -> String {
        female ? random.pick(femaleNames) : random.pick(maleNames)
    }

    static func phone(_ random: inout SeededRandom) -> String {
        "01" + String(random.pick([3, 4, 5, 6, 7, 8, 9])) + String(format: "%08d", random.int(0...99_999_999))
    }

    static func factory(_ random: inout SeededRandom) -> String {
        "\(random.pick(factoryWords)) \(random.pick(factoryKinds)) Ltd."
    }

    static func summary(_ random: inout SeededRandom, bangla: Bool) -> String {
        let number = random.int(2...14)
        let shape = bangla ? random.pick(banglaOpenings) : random.pick(englishOpenings)
        let digits = bangla ? String(number).map { banglaDigit($0) }.joined() : String(number)
        return shape.replacingOccurrences(of: "{n}", with: digits)
            .replacingOccurrences(of: "{s}", with: bangla ? random.pick(sectionsBangla) : random.pick(sectionsEnglish))
    }

    static func banglaDigit(_ c: Character) -> String {
        guard let value = c.wholeNumberValue else { return String(c) }
        return String(Character(Unicode.Scalar(0x09E6 + value)!))
    }

    static func note(_ random: inout SeededRandom, bangla: Bool) -> String {
        bangla ? random.pick(banglaNotes) : random.pick(englishNotes)
    }
}
