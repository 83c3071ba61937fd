/// The customer dashboard, as Tally's templates would write it: a layout with blocks, two
/// partials, and a page that inherits the layout.
enum DashboardTemplates {
    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>{{$title}}Tally{{/title}}</title>
          <link rel="stylesheet" href="/static/tally.css">
        </head>
        <body>
          {{>partials/header}}
          <main>
        {{$content}}
        {{/content}}
          </main>
          {{>partials/footer}}
        </body>
        </html>

        """

    static let header = """
        <header class="top">
          <a class="brand" href="/">Tally</a>
          <span class="account">{{account.name}}</span>
          <span class="plan">{{plan.name}}</span>
          <span class="user">{{user.email}}</span>
        </header>

        """

    static let footer = """
        <footer>Signed in as {{user.name}} · <a href="/logout">Log out</a></footer>

        """

    static let dashboard = """
        {{<layout}}
        {{$title}}{{account.name}} · Usage{{/title}}
        {{$content}}
        <section class="credits-card">
          <h2>Credits</h2>
          <p class="used">{{credits.used}} of {{credits.included}} used</p>
          <div class="meter" role="meter" aria-valuenow="{{credits.percent}}" aria-valuemin="0" aria-valuemax="100"></div>
          <p>Resets on {{credits.resetDate}}</p>
          {{#credits.overLimit}}<p class="warning">Over the included credits</p>{{/credits.overLimit}}
        </section>
        <table class="daily">
          <thead><tr><th>Date</th><th>Events</th><th>Tokens</th><th>Credits</th></tr></thead>
          <tbody>
          {{#days}}
            <tr><td>{{date}}</td><td>{{events}}</td><td>{{tokens}}</td><td>{{credits}}</td></tr>
          {{/days}}
          </tbody>
        </table>
        <ul class="features">
        {{#features}}
          <li><span class="name">{{name}}</span> <span class="credits">{{credits}}</span>{{#note}} <em>{{note}}</em>{{/note}}</li>
        {{/features}}
        {{^features}}
          <li>No usage yet</li>
        {{/features}}
        </ul>
        {{/content}}
        {{/layout}}

        """

    /// All templates by library name.
    static let all: [String: String] = [
        "layout": layout, "partials/header": header, "partials/footer": footer, "dashboard": dashboard,
    ]
}
