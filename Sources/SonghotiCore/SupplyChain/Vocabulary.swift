/// Word lists for factory-name and address comparison. All entries are in normalised form (ASCII,
/// lower case, no punctuation).
enum Vocabulary {
    /// Legal forms, dropped from names wherever they stand.
    static let legalWords: Set<String> = [
        "ltd", "limited", "pvt", "private", "co", "company", "corp", "corporation", "inc", "incorporated",
        "llc", "llp", "lp", "plc", "sa", "sac", "sas", "sarl", "sprl", "gmbh", "srl", "bhd", "sdn", "jsc", "jv",
        "pte", "pty", "spa", "sl", "ltda", "lda", "unipessoal", "doo", "dooel", "ood", "eood", "ad", "ag",
        "kg", "bv", "nv", "oy", "kft", "sro", "ooo", "oao", "zao", "tov", "sae", "saic", "fzc", "fze", "fzco",
        "shpk", "tbk", "tnhh", "mtv", "cty", "sti", "san", "sanayi", "tic", "ticaret", "sirketi", "anonim",
        "pt", "cv", "as", "ab", "ehf", "sc", "srls", "snc", "scs", "sca", "sdnbhd", "pvtltd", "coltd", "jointstock", "eirl",
    ]

    /// Multi-word legal forms, matched before single words.
    static let legalPhrases: [[String]] = [
        ["sa", "de", "cv"], ["s", "de", "rl"], ["s", "a", "de", "c", "v"], ["de", "cv"], ["de", "rl"],
        ["sp", "z", "o", "o"], ["sp", "zoo"], ["san", "ve", "tic"], ["sanayi", "ve", "ticaret"],
        ["ve", "tic"], ["ve", "ticaret"], ["limited", "sirketi"], ["anonim", "sirketi"], ["joint", "stock"],
        ["cong", "ty"], ["a", "s"], ["s", "a"],
    ]

    /// British → American spellings and common abbreviations in names.
    static let spellingVariants: [String: String] = [
        "colour": "color", "colours": "colors", "centre": "center", "centres": "centers", "fibre": "fiber",
        "fibres": "fibers", "jewellery": "jewelry", "grey": "gray", "harbour": "harbor", "labour": "labor",
        "organisation": "organization", "metre": "meter", "intl": "international",
        "mfg": "manufacturing", "mfrs": "manufacturers", "bros": "brothers", "inds": "industries",
        "manufactoring": "manufacturing", "textiles": "textile", "garments": "garment", "apparels": "apparel",
    ]

    /// Words that many unrelated factories share: low weight in name comparison.
    static let genericNameWords: Set<String> = [
        "garment", "apparel", "textile", "textil", "tekstil", "textiles", "fashion", "fashions", "industry",
        "industries", "industrial", "industrie", "industria", "industrias", "manufacturing", "manufacturer",
        "manufacturers", "manufacture", "manufactory", "knitting", "knit", "knits", "knitwear", "knitwears",
        "clothing", "clothes", "mill", "mills", "factory", "international", "group", "enterprise",
        "enterprises", "trading", "trade", "traders", "export", "exports", "exporter", "exporters", "import",
        "imports", "wear", "wears", "sweater", "sweaters", "denim", "shoe", "shoes", "footwear", "leather",
        "dyeing", "printing", "print", "prints", "washing", "wash", "accessories", "konfeksiyon",
        "confeccoes", "confecciones", "confection", "confections", "fabric", "fabrics", "spinning", "global",
        "holding", "holdings", "design", "designs", "sportswear", "sports", "embroidery", "composite",
        "socks", "hosiery", "weaving", "yarn", "yarns", "cotton", "products", "product", "production",
        "fabrika", "fabrikasi", "fabrikalari", "giyim", "orme", "triko", "moda", "ihracat", "ithalat",
        "insaat", "turizm", "gida", "otomotiv", "pazarlama", "imalati", "imalat", "uretim", "sewing",
        "outerwear", "uniforms", "uniform", "creation", "creations", "collection", "collections", "style",
        "styles", "dis", "tex",
    ]

    /// Function words: almost no weight.
    static let stopWords: Set<String> = [
        "and", "ve", "de", "del", "la", "le", "les", "the", "of", "y", "et", "und", "da", "do", "dos", "das",
        "e", "ex", "di", "van", "von", "for", "el", "al", "a",
    ]

    /// Address words that say what kind of place, not which place: low weight in address comparison.
    static let genericAddressWords: Set<String> = [
        "road", "street", "avenue", "lane", "boulevard", "highway", "village", "district", "province", "city",
        "town", "county", "zone", "industrial", "area", "park", "estate", "plot", "block", "building",
        "floor", "sector", "phase", "commune", "sangkat", "khan", "phum", "khum", "srok", "moo", "tambon",
        "amphur", "amphoe", "mahallesi", "sokak", "caddesi", "bulvari", "osb", "organize", "sanayi",
        "bolgesi", "sitesi", "km", "export", "processing", "epz", "free", "via", "strada", "rua", "calle",
        "avenida", "po", "box", "unit", "room", "tower", "center", "near", "opposite", "behind", "main",
        "upazila", "thana", "union", "post", "office", "ps", "zila", "state", "region", "ward", "house",
        "lot", "section", "sec", "zona", "parque", "jalan", "kawasan", "industri",
        "xa", "huyen", "tinh", "phuong", "quan", "thi", "tran", "ap", "khu", "cong", "nghiep", "duong",
        "jiedao", "zhen", "qu", "shi", "sheng", "xian", "cun", "lu", "hao", "development", "economic",
        "technology", "hi", "tech", "new", "old", "industrielle", "quartier", "rue", "no", "nr", "the",
        "of", "and", "ve", "de", "at", "on", "bazar", "bazaar", "mouza", "holding", "factory", "premises",
        "compound", "complex", "site", "plant", "zip", "code", "postal", "postcode",
    ]

    /// Address abbreviations expanded before comparison.
    static let addressAbbreviations: [String: String] = [
        "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "blvd": "boulevard",
        "hwy": "highway", "ln": "lane", "dist": "district", "distt": "district", "prov": "province",
        "ind": "industrial", "indl": "industrial", "inds": "industrial", "bldg": "building", "fl": "floor",
        "flr": "floor", "mah": "mahallesi", "mh": "mahallesi", "mahalle": "mahallesi", "sok": "sokak",
        "sk": "sokak", "sokagi": "sokak", "cad": "caddesi", "cd": "caddesi", "cadde": "caddesi",
        "cadd": "caddesi", "bul": "bulvari", "blv": "bulvari", "vill": "village", "vil": "village",
        "twp": "township", "sect": "sector", "ph": "phase", "blk": "block", "bl": "block",
        "ctr": "center", "centre": "center", "estt": "estate", "san": "sanayi", "bol": "bolgesi",
        "sit": "sitesi", "upz": "upazila", "pob": "po", "rr": "road",
    ]

    /// Words that only announce the number after them ("no 4", "# 4", "nr 4").
    static let addressNumberMarkers: Set<String> = ["no", "nr", "number", "num", "nos"]

    static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th"]

    static let ordinalWords: [String: String] = [
        "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
        "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11", "twelfth": "12",
    ]

    /// Roman numerals that cannot be a stray letter of a spaced-out name.
    static let romanNumerals: [String: String] = [
        "ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "xi": "11", "xii": "12",
    ]

    static let cardinalWords: [String: String] = [
        "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
        "eight": "8", "nine": "9", "ten": "10",
    ]

    /// Words after which a number word names a unit of a company ("unit two").
    static let unitWords: Set<String> = [
        "unit", "factory", "plant", "branch", "line", "phase", "block", "building", "no", "number",
        "division", "mill", "shed", "site", "facility", "floor", "section",
    ]

    /// Words that mark a branch of a company (Turkish "şube"/"şubesi").
    static let branchWords: Set<String> = ["branch", "sube", "subesi"]
}
