/// Escaping of text that came from log data (addresses, labels, CSV fields, file names)
/// for each context it is written into. Every function is total: any input comes out
/// inert (no markup, no broken table, no script).
public enum Escape {
    /// How a hidden character (`HiddenCharacters`) is shown in HTML/XML text.
    public enum Marker: Sendable {
        /// `&lt;U+202E&gt;`: valid in every context (SVG text, attributes, `<title>`).
        case text
        /// The same text in `<span class="cp">` so the page styles it apart from a value
        /// that spells `<U+202E>` itself. Only for HTML element content outside SVG
        /// (a span breaks out of inline SVG) and outside `<title>` (which shows it raw).
        case span
    }

    /// Text content of an HTML or SVG/XML element: `& < > " '` as entities; bidi controls,
    /// other format characters, controls other than line breaks and tabs, and characters
    /// XML forbids become a visible `<U+XXXX>` marker (`HiddenCharacters`).
    public static func html(_ text: String, markers: Marker = .text) -> String {
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
                guard HiddenCharacters.isHidden(scalar) else { out.unicodeScalars.append(scalar); continue }
                out += markers == .span ? "<span class=\"cp\">" + entityMarker(scalar) + "</span>" : entityMarker(scalar)
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

    /// Text of one SVG `<text>`/`<title>` line: as `html` (markers as text), line breaks
    /// become spaces.
    public static func svg(_ text: String) -> String {
        html(singleLine(text))
    }

    /// One GitHub-flavoured Markdown table cell: one line, `|` escaped, HTML-sensitive
    /// characters as entities and Markdown emphasis/link/code characters backslash-escaped.
    public static func markdownCell(_ text: String) -> String {
        markdownText(singleLine(text)).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Inline Markdown text (a paragraph or list item): no markup survives; line breaks
    /// become spaces so a value cannot start a heading or a list; hidden characters show
    /// as `&lt;U+XXXX&gt;` (read `<U+XXXX>`).
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
                if HiddenCharacters.isHidden(scalar) { out += entityMarker(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Text inside a Markdown code span: backticks and line breaks cannot end it, `|`
    /// cannot end a table cell, hidden characters show as `<U+XXXX>` (a code span shows
    /// its text literally).
    public static func markdownCode(_ text: String) -> String {
        var out = "`"
        for scalar in singleLine(text).unicodeScalars {
            switch scalar {
            case "`": out += "'"
            case "|": out += "\\|"
            default:
                if HiddenCharacters.isHidden(scalar) { out += HiddenCharacters.marker(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "`"
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

    /// The marker of a hidden character with its brackets as entities (HTML, Markdown).
    static func entityMarker(_ scalar: Unicode.Scalar) -> String {
        "&lt;" + HiddenCharacters.codePoint(scalar) + "&gt;"
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
