/// The dashboard written by hand with string appends: the speed a template engine aims for.
enum HandWritten {
    static func render(_ data: DashboardData) -> String {
        var html = ""
        html.reserveCapacity(16_384)
        html += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>\(escape(data.accountName)) · Usage</title>
              <link rel="stylesheet" href="/static/tally.css">
            </head>
            <body>
              <header class="top">
                <a class="brand" href="/">Tally</a>
                <span class="account">\(escape(data.accountName))</span>
                <span class="plan">\(escape(data.planName))</span>
                <span class="user">\(escape(data.userEmail))</span>
              </header>
              <main>
            <section class="credits-card">
              <h2>Credits</h2>
              <p class="used">\(escape(data.creditsUsed)) of \(escape(data.creditsIncluded)) used</p>
              <div class="meter" role="meter" aria-valuenow="\(data.creditsPercent)" aria-valuemin="0" aria-valuemax="100"></div>
              <p>Resets on \(escape(data.resetDate))</p>
              \(data.overLimit ? "<p class=\"warning\">Over the included credits</p>" : "")
            </section>
            <table class="daily">
              <thead><tr><th>Date</th><th>Events</th><th>Tokens</th><th>Credits</th></tr></thead>
              <tbody>

            """
        appendTable(data, to: &html)
        appendFeatures(data, to: &html)
        html += """
            </ul>
              </main>
              <footer>Signed in as \(escape(data.userName)) · <a href="/logout">Log out</a></footer>
            </body>
            </html>

            """
        return html
    }

    private static func appendTable(_ data: DashboardData, to html: inout String) {
        for day in data.days {
            html += "    <tr><td>\(escape(day.date))</td><td>\(day.events)</td><td>\(escape(day.tokens))</td>"
            html += "<td>\(escape(day.credits))</td></tr>\n"
        }
        html += "  </tbody>\n</table>\n<ul class=\"features\">\n"
    }

    private static func appendFeatures(_ data: DashboardData, to html: inout String) {
        for feature in data.features {
            html += "  <li><span class=\"name\">\(escape(feature.name))</span> "
            html += "<span class=\"credits\">\(escape(feature.credits))</span>"
            if let note = feature.note { html += " <em>\(escape(note))</em>" }
            html += "</li>\n"
        }
        if data.features.isEmpty { html += "  <li>No usage yet</li>\n" }
    }

    /// HTML-escapes `& < > " '`, returning the string itself when nothing needs escaping.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
