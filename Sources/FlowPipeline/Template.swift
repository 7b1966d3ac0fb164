/// A string with `{name}` placeholders, parsed once. A `{` that does not open a valid
/// identifier followed by `}` is literal text, so glob braces such as `*.{csv,gz}` survive.
public struct Template: Hashable, Sendable, CustomStringConvertible {
    public enum Part: Hashable, Sendable {
        case literal(String)
        case placeholder(String)
    }

    /// The text as written in the pipeline file.
    public let source: String
    public let parts: [Part]

    public init(_ source: String) {
        self.source = source
        var parts: [Part] = []
        var literal = ""
        var index = source.startIndex
        while index < source.endIndex {
            let ch = source[index]
            if ch == "{", let close = source[index...].firstIndex(of: "}") {
                let name = source[source.index(after: index)..<close]
                if Template.isIdentifier(name) {
                    if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                    parts.append(.placeholder(String(name)))
                    index = source.index(after: close)
                    continue
                }
            }
            literal.append(ch)
            index = source.index(after: index)
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// Names of all placeholders, in order of appearance.
    public var placeholders: [String] {
        parts.compactMap { if case .placeholder(let name) = $0 { return name } else { return nil } }
    }

    /// The placeholder name when the whole template is one placeholder (`"{inputs}"`).
    public var soloPlaceholder: String? {
        if parts.count == 1, case .placeholder(let name) = parts[0] { return name }
        return nil
    }

    public var description: String { source }

    static func isIdentifier(_ s: Substring) -> Bool {
        guard let first = s.first, first == "_" || first.isLetter && first.isASCII else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}

/// A value a placeholder stands for: one text, or a list (which, as a whole argument,
/// becomes several arguments, and inside a longer text is joined with commas).
public enum TemplateValue: Hashable, Sendable {
    case text(String)
    case list([String])
}

/// Everything placeholders can name while rendering one task: the built-ins (`date`, `from`,
/// `to`, `inputs`, `outputs`), the pipeline's settings and its vars (which are templates
/// themselves, rendered recursively).
public struct TemplateScope: Sendable {
    public var values: [String: TemplateValue]
    public var vars: [String: Template]

    public init(values: [String: TemplateValue] = [:], vars: [String: Template] = [:]) {
        self.values = values
        self.vars = vars
    }

    /// Renders a template to one or more strings (several only when it is a single
    /// placeholder holding a list).
    public func render(_ template: Template) throws(TemplateError) -> [String] {
        try render(template, depth: 0)
    }

    /// Renders a template that must give exactly one string (lists are comma-joined).
    public func renderText(_ template: Template) throws(TemplateError) -> String {
        try render(template, depth: 0).joined(separator: ",")
    }

    private func render(_ template: Template, depth: Int) throws(TemplateError) -> [String] {
        if depth > 16 { throw .tooDeep(template.source) }
        if let name = template.soloPlaceholder {
            switch try value(of: name, depth: depth) {
            case .text(let text): return [text]
            case .list(let items): return items
            }
        }
        var out = ""
        for part in template.parts {
            switch part {
            case .literal(let text): out += text
            case .placeholder(let name):
                switch try value(of: name, depth: depth) {
                case .text(let text): out += text
                case .list(let items): out += items.joined(separator: ",")
                }
            }
        }
        return [out]
    }

    private func value(of name: String, depth: Int) throws(TemplateError) -> TemplateValue {
        if let value = values[name] { return value }
        if let template = vars[name] {
            let rendered = try render(template, depth: depth + 1)
            return template.soloPlaceholder != nil && rendered.count != 1 ? .list(rendered) : .text(rendered.joined(separator: ","))
        }
        throw .unknown(name)
    }
}

/// Why a template could not be rendered.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    case unknown(String)
    case tooDeep(String)

    public var description: String {
        switch self {
        case .unknown(let name): return "placeholder {\(name)} has no value here"
        case .tooDeep(let source): return "vars refer to each other in a loop while rendering '\(source)'"
        }
    }
}

/// `${NAME}` and `${NAME:-default}` substitution from the environment, as in POSIX shells;
/// `$$` is a literal `$`. Used for `vars` and `settings` values.
public enum EnvironmentSubstitution {
    /// Returns the substituted text, or the name of the first variable that is unset and
    /// has no default.
    public static func substitute(_ text: String, environment: [String: String]) -> Result<String, UnsetVariable> {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let ch = text[index]
            let next = text.index(after: index)
            if ch == "$", next < text.endIndex {
                if text[next] == "$" {
                    out.append("$")
                    index = text.index(after: next)
                    continue
                }
                if text[next] == "{", let close = text[next...].firstIndex(of: "}") {
                    let body = text[text.index(after: next)..<close]
                    let name: Substring
                    var fallback: Substring?
                    if let range = body.range(of: ":-") {
                        name = body[..<range.lowerBound]
                        fallback = body[range.upperBound...]
                    } else {
                        name = body
                    }
                    if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
                        out += value
                    } else if let fallback {
                        out += fallback
                    } else {
                        return .failure(UnsetVariable(name: String(name)))
                    }
                    index = text.index(after: close)
                    continue
                }
            }
            out.append(ch)
            index = next
        }
        return .success(out)
    }

    public struct UnsetVariable: Error, Equatable {
        public let name: String
    }
}
