/// Phone numbers reduced to one comparable form, so "01711-123456", "+880 1711 123456" and "০১৭১১১২৩৪৫৬"
/// are found as the same person.
public enum PhoneNumber {
    /// Digits only in international form: a leading "00" or "+" is dropped; a single leading trunk "0" is
    /// replaced by the country calling code (Bangladesh 880 by default, Cambodia 855).
    public static func comparable(_ raw: String, countryCallingCode: String = "880") -> String {
        var digits = BlindIndex.normalisedPhone(raw)
        if digits.hasPrefix("0") && !digits.hasPrefix("00") {
            digits = countryCallingCode + digits.dropFirst()
        }
        return digits
    }

    /// Plausible length for an international number (E.164 allows up to 15 digits).
    public static func isPlausible(_ comparable: String) -> Bool {
        (8...15).contains(comparable.count)
    }
}
