import Alerting

extension WebhookProblem: ProblemWording {
    public var field: String {
        switch self {
        case .name: "name"
        case .url: "url"
        case .secret: "secret"
        case .rules: "rules"
        }
    }

    public var message: String {
        switch self {
        case .name: "Give a name of 1 to 100 characters."
        // The destination rule's sentence is the one the delivery log shows too.
        case .url(let refusal): refusal.description
        case .secret: "A secret has 16 to 200 characters and no spaces; leave it empty to get a random one."
        case .rules: "Choose at least one kind of alert."
        }
    }
}

extension AlertRuleProblem: ProblemWording {
    public var field: String {
        switch self {
        case .creditThresholds: "creditThresholds"
        case .marginOrder: "marginCritical"
        case .spikeMultiplier: "spikeMultiplier"
        case .spikeMinimum: "spikeMinimum"
        case .marginCooldown: "marginCooldown"
        case .spikeCooldown: "spikeCooldown"
        case .unpricedCooldown: "unpricedCooldown"
        }
    }

    public var message: String {
        switch self {
        case .creditThresholds: "Give 1 to 10 whole percentages from 1 to 1000, e.g. 50, 75, 90, 100."
        case .marginOrder: "The critical margin must be below the warning margin."
        case .spikeMultiplier: "The multiple must be above 1, e.g. 3."
        case .spikeMinimum: "The minimum cost cannot be negative."
        case .marginCooldown, .spikeCooldown, .unpricedCooldown: "Give a cooldown from 1 to 100000 minutes."
        }
    }
}
