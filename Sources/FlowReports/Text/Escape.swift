/// Escaping of text that came from log data (addresses, labels, CSV fields, file names)
/// for each context it is written into. Every function is total: any input comes out
/// inert (no markup, no broken table, no script).
public enum Escape {
    /// Text content of an HTML or SVG/XML element: `& < > " '` as entities; control
    /// characters that XML forbids become U+FFFD.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += " "
            default:
                if isForbiddenControl(scalar) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// An attribute value (always written in double quotes): as `html`, and line breaks
    /// and tabs become numeric references so they survive attribute normalisation.
    public static func attribute(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default: out += html(String(scalar))
            }
        }
        return out
    }

    /// Text of one SVG `<text>`/`<title>` line: as `html`, line breaks become spaces.
    public static func svg(_ text: String) -> String {
        html(singleLine(text))
    }

    /// One GitHub-flavoured Markdown table cell: one line, `|` escaped, HTML-sensitive
    /// characters as entities and Markdown emphasis/link/code characters backslash-escaped.
    public static func markdownCell(_ text: String) -> String {
        markdownText(singleLine(text)).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Inline Markdown text (a paragraph or list item): no markup survives; line breaks
    /// become spaces so a value cannot start a heading or a list.
    public static func markdownText(_ text: String) -> String {
        var out = ""
        for scalar in singleLine(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "#", "!", "~", "{", "}":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                if isForbiddenControl(scalar) { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Text inside a Markdown code span: backticks and line breaks cannot end it.
    public static func markdownCode(_ text: String) -> String {
        let flat = singleLine(text).replacingOccurrences(of: "`", with: "'")
        return "`" + flat.replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// Line breaks and tabs as single spaces.
    public static func singleLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Characters outside XML 1.0's `Char` production (and DEL / C1 controls, which no
    /// log value should carry into a page).
    static func isForbiddenControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 { return v != 0x09 && v != 0x0A && v != 0x0D }
        if v >= 0x7F && v <= 0x9F { return true }
        return v == 0xFFFE || v == 0xFFFF
    }

    /// A string safe as an HTML id / file-name stem: lowercase ASCII letters, digits and `-`.
    public static func slug(_ text: String) -> String {
        var out = ""
        var lastDash = true
        for c in text.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") {
                out.unicodeScalars.append(c)
                lastDash = false
            } else if !lastDash {
                out += "-"
                lastDash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "x" : out
    }
}
