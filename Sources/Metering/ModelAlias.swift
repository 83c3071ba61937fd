/// The documented rule by which a model id as operators and SDKs spell it finds its price
/// (docs/metering.md, "Model ids"). The id as sent is tried first, exactly as before; only when
/// nothing prices it (no exact id, no pattern) are its aliases tried, in this order, the first
/// priced one winning:
///
/// 1. lower case (`GPT-4o` → `gpt-4o`): providers' model ids are lower case;
/// 2. without provider prefixes (`openai/gpt-4o`, `anthropic/claude-sonnet-4-5`,
///    `bedrock/us-east-1/…`: every leading segment that names a provider or a region);
/// 3. without a dated snapshot suffix (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`,
///    `…@20250929`) → the undated id, which providers document as the alias of their snapshot.
///
/// A snapshot priced differently from its undated id must be listed itself (LiteLLM's file
/// lists them): an id that has a price of its own always uses it, so an alias never replaces a
/// price, it only fills a gap. The stored event keeps the model id as sent.
public enum ModelAlias {
    /// Leading path segments that name a provider or a routing layer, not a model.
    public static let providerPrefixes: Set<String> = [
        "openai", "anthropic", "gemini", "google", "vertex_ai", "vertex_ai_beta", "bedrock", "bedrock_converse", "azure",
        "azure_ai", "openrouter", "mistral", "groq", "deepseek", "xai", "together_ai", "fireworks_ai", "cohere",
        "perplexity", "litellm_proxy",
    ]

    /// The aliases of `model`, in the order they are tried; never `model` itself, no repeats.
    public static func aliases(of model: String) -> [String] {
        var result: [String] = []
        func add(_ alias: String) {
            if alias != model, !alias.isEmpty, !result.contains(alias) { result.append(alias) }
        }
        let lower = model.lowercased()
        add(lower)
        let bare = withoutPrefixes(lower)
        add(bare)
        if let undated = withoutSnapshotDate(bare) { add(undated) }
        return result
    }

    /// `bedrock/us-east-1/anthropic.claude…` → `anthropic.claude…`: drops leading segments that
    /// are a known provider or look like a cloud region (`us-east-1`, `eu-west-3`, `global`).
    static func withoutPrefixes(_ model: String) -> String {
        var segments = model.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while segments.count > 1, providerPrefixes.contains(segments[0]) || isRegion(segments[0]) {
            segments.removeFirst()
        }
        return segments.joined(separator: "/")
    }

    private static func isRegion(_ segment: String) -> Bool {
        let parts = segment.split(separator: "-")
        return segment == "global" || (parts.count == 3 && parts[0].count == 2 && parts[2].allSatisfy(\.isNumber))
    }

    /// `x-20250929`, `x-2024-08-06`, `x@20250929` → `x`; nil without such a suffix.
    static func withoutSnapshotDate(_ model: String) -> String? {
        let scalars = Array(model.unicodeScalars)
        func digits(_ range: Range<Int>) -> Bool {
            range.lowerBound >= 0 && range.upperBound <= scalars.count && scalars[range].allSatisfy { ("0"..."9").contains($0) }
        }
        let count = scalars.count
        // -YYYYMMDD or @YYYYMMDD
        if count > 9, digits(count - 8..<count), ["-", "@"].contains(scalars[count - 9]), plausibleDate(scalars[(count - 8)...]) {
            return String(String.UnicodeScalarView(scalars[..<(count - 9)]))
        }
        // -YYYY-MM-DD
        if count > 11, digits(count - 10..<count - 6), scalars[count - 6] == "-", digits(count - 5..<count - 3), scalars[count - 3] == "-",
           digits(count - 2..<count), scalars[count - 11] == "-" {
            return String(String.UnicodeScalarView(scalars[..<(count - 11)]))
        }
        return nil
    }

    private static func plausibleDate(_ digits: ArraySlice<Unicode.Scalar>) -> Bool {
        let text = String(String.UnicodeScalarView(digits))
        guard let value = Int(text) else { return false }
        let year = value / 10_000, month = value / 100 % 100, day = value % 100
        return (2000...2099).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }
}
