/// Characters that a reader of a report cannot see, or that change how the characters
/// around them are shown: bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F,
/// U+061C) that make `names/\u{202E}gnp.csv` read as `names/vsc.png`, other format
/// characters (general category Cf: zero-width space and joiners, U+FEFF, tag characters),
/// C0/C1 controls and DEL (Cc), other default-ignorable code points (Hangul fillers,
/// reserved ignorables), and the noncharacters U+FFFE/U+FFFF that XML forbids.
///
/// The escapers in `Escape` write each such character as a visible marker `<U+202E>`
/// instead of the character itself. Variation selectors and other combining marks are
/// left alone: they only change the look of the character before them.
public enum HiddenCharacters {
    /// Whether `scalar` must not reach a report as itself. Line breaks and tabs are
    /// controls too: each escaper decides about them before asking.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0xFFFE || v == 0xFFFF { return true }
        if v < 0xA0 { return false }  // printable ASCII: the common case, decided cheaply
        let p = scalar.properties
        switch p.generalCategory {
        case .format, .control: return true
        case .nonspacingMark, .enclosingMark, .spacingMark: return false
        default: return p.isDefaultIgnorableCodePoint
        }
    }

    /// The marker's text without brackets: `U+` and at least four upper-case hex digits.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Characters `scalar` takes once escaped: its marker if hidden, none for a combining
    /// mark (it shares the place of the character before it), else one.
    public static func displayedLength(_ scalar: Unicode.Scalar) -> Int {
        if isHidden(scalar) { return codePoint(scalar).count + 2 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark: return 0
        default: return 1
        }
    }

    /// Characters `text` takes once escaped (see `displayedLength(_: Unicode.Scalar)`).
    public static func displayedLength(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + displayedLength($1) }
    }

    /// The visible marker as plain text, `<U+202E>` (to be escaped for its context).
    public static func marker(_ scalar: Unicode.Scalar) -> String {
        "<" + codePoint(scalar) + ">"
    }
}
