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

struct DashboardView: TemplateValue {
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

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "account": account
        case "plan": plan
        case "user": user
        case "credits": credits
        case "days": days
        case "features": features
        default: nil
        }
    }
}

struct NamedView: TemplateValue {
    let name: String

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        key == "name" ? name : nil
    }
}

struct UserView: TemplateValue {
    let data: DashboardData

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "email": data.userEmail
        case "name": data.userName
        default: nil
        }
    }
}

struct CreditsView: TemplateValue {
    let data: DashboardData

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "used": data.creditsUsed
        case "included": data.creditsIncluded
        case "percent": data.creditsPercent
        case "resetDate": data.resetDate
        case "overLimit": data.overLimit
        default: nil
        }
    }
}

struct DayView: TemplateValue {
    let day: DashboardData.Day

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "date": day.date
        case "events": day.events
        case "tokens": day.tokens
        case "credits": day.credits
        default: nil
        }
    }
}

struct FeatureView: TemplateValue {
    let feature: DashboardData.Feature

    func templateValue(forKey key: String) -> (any TemplateValue)? {
        switch key {
        case "name": feature.name
        case "credits": feature.credits
        case "note": feature.note
        default: nil
        }
    }
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
