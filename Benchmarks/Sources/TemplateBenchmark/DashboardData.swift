import Templating

/// The dashboard's data, already formatted, as Tally's handlers would build it.
struct DashboardData {
    struct Day {
        let date: String
        let events: Int
        let tokens: String
        let credits: String
    }

    struct Feature {
        let name: String
        let credits: String
        let note: String?
    }

    let accountName = "Smith & Sons <Research> Ltd"
    let planName = "\"Pro\" plan · O'Brien's tier"
    let userEmail = "ada@smith-sons.example"
    let userName = "Ada O'Neil"
    let creditsUsed = "12,480.500"
    let creditsIncluded = "20,000"
    let creditsPercent = 62
    let resetDate = "1 Dec 2026"
    let overLimit = false
    let days: [Day]
    let features: [Feature]

    init() {
        days = (1...31).map { day in
            Day(
                date: "2026-10-\(day < 10 ? "0" : "")\(day)", events: 1_000 + day * 37,
                tokens: "\(day * 3),\(100 + day * 7)", credits: "\(400 + day).\(day % 10)00")
        }
        let names = [
            "Chat & search", "Summaries", "Code <review>", "Translate", "\"Smart\" replies",
            "Image tags", "Doc Q&A", "Voice notes", "Agents", "Reports",
        ]
        features = names.enumerated().map { index, name in
            Feature(
                name: name, credits: "\(1_000 + index * 250).000",
                note: index % 3 == 0 ? "includes <beta> & 'preview' models" : nil)
        }
    }
}

// MARK: - Typed view models for Templating, built once per page like a handler would.

struct DashboardView: KeyedTemplateValue {
    let account: NamedView
    let plan: NamedView
    let user: UserView
    let credits: CreditsView
    let days: [DayView]
    let features: [FeatureView]

    init(_ data: DashboardData) {
        account = NamedView(name: data.accountName)
        plan = NamedView(name: data.planName)
        user = UserView(data: data)
        credits = CreditsView(data: data)
        days = data.days.map(DayView.init)
        features = data.features.map(FeatureView.init)
    }

    static let templateKeys: TemplateKeys<Self> = [
        "account": { $0.account },
        "plan": { $0.plan },
        "user": { $0.user },
        "credits": { $0.credits },
        "days": { $0.days },
        "features": { $0.features },
    ]
}

struct NamedView: KeyedTemplateValue {
    let name: String

    static let templateKeys: TemplateKeys<Self> = ["name": { $0.name }]
}

struct UserView: KeyedTemplateValue {
    let data: DashboardData

    static let templateKeys: TemplateKeys<Self> = [
        "email": { $0.data.userEmail },
        "name": { $0.data.userName },
    ]
}

struct CreditsView: KeyedTemplateValue {
    let data: DashboardData

    static let templateKeys: TemplateKeys<Self> = [
        "used": { $0.data.creditsUsed },
        "included": { $0.data.creditsIncluded },
        "percent": { $0.data.creditsPercent },
        "resetDate": { $0.data.resetDate },
        "overLimit": { $0.data.overLimit },
    ]
}

struct DayView: KeyedTemplateValue {
    let day: DashboardData.Day

    static let templateKeys: TemplateKeys<Self> = [
        "date": { $0.day.date },
        "events": { $0.day.events },
        "tokens": { $0.day.tokens },
        "credits": { $0.day.credits },
    ]
}

struct FeatureView: KeyedTemplateValue {
    let feature: DashboardData.Feature

    static let templateKeys: TemplateKeys<Self> = [
        "name": { $0.feature.name },
        "credits": { $0.feature.credits },
        "note": { $0.feature.note },
    ]
}

// MARK: - Dictionaries for swift-mustache (its fastest form: no Mirror).

extension DashboardData {
    var dictionary: [String: Any] {
        [
            "account": ["name": accountName],
            "plan": ["name": planName],
            "user": ["email": userEmail, "name": userName],
            "credits": [
                "used": creditsUsed, "included": creditsIncluded, "percent": creditsPercent,
                "resetDate": resetDate, "overLimit": overLimit,
            ] as [String: Any],
            "days": days.map {
                ["date": $0.date, "events": $0.events, "tokens": $0.tokens, "credits": $0.credits] as [String: Any]
            },
            "features": features.map { feature -> [String: Any] in
                var entry: [String: Any] = ["name": feature.name, "credits": feature.credits]
                if let note = feature.note { entry["note"] = note }
                return entry
            },
        ]
    }
}
