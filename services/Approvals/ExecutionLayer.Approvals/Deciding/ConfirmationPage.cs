using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// The page a decision link opens, written for the approver on a phone: the <see cref="DecisionBrief"/> (what is asked, when it is
/// due and what then, who decides, what changed, what it touches), then approve and reject side by side, each a signed token; the
/// request's data as JSON behind a disclosure. Opening it decides nothing, because mail scanners and chat previews fetch links on
/// their own.
/// </summary>
internal static partial class ConfirmationPage
{
    /// <param name="token">The link's token: who decides which stage, and the verdict the link was sent for.</param>
    /// <param name="siblingToken">The same seat's token for the other verdict, so both choices are on the page.</param>
    /// <param name="contexts">The context as requested, now and what changed, for a request whose context has an owner (null: none has).</param>
    public static string Render(ApprovalRequest request, DecisionToken token, string rawToken, string siblingToken, DateTimeOffset now, DecisionContexts? contexts = null)
    {
        var (approve, reject) = token.Verdict == Verdict.Approve ? (rawToken, siblingToken) : (siblingToken, rawToken);
        var brief = DecisionBrief.Of(request, token.Approver, token.OnBehalfOf, now, contexts);
        // Past the policy's drift rule, the buttons confirm on the data now — the digest of exactly what this page shows.
        var confirming = brief.Confirm is null ? null : contexts!.LiveDigest;
        var asRequested = JsonSerializer.Serialize(request.DecisionContext, new JsonSerializerOptions { WriteIndented = true });
        var body = $"""
            <header>
              <p class="meta">{E(brief.Meta)}</p>
              <h1>{E(brief.Title)}</h1>
              <p class="ask">{E(brief.Ask)}</p>
            </header>
            {Section(brief.Due, "due")}
            {Who(brief.Who)}
            {Section(brief.Drift, "drift")}
            {Affected(brief.Affected)}
            {Section(brief.Confirm, "confirm")}
            <form method="post" action="../decisions">{(confirming is null ? "" : $"""

              <input type="hidden" name="confirmedContext" value="{E(confirming)}">
            """)}
            {Changes(request)}
              <label for="comment">Comment (a rejection's reason)</label>
              <textarea id="comment" name="comment" maxlength="{DecideHandler.MaxCommentLength}"></textarea>
              <div class="choices">
                <button type="submit" name="token" value="{E(approve)}" class="approve">{(confirming is null ? "Approve" : "Confirm and approve")}</button>
                <button type="submit" name="token" value="{E(reject)}" class="reject">{(confirming is null ? "Reject" : "Confirm and reject")}</button>
              </div>
            </form>
            <details><summary>Details: the data as requested (JSON)</summary><pre>{E(asRequested)}</pre></details>
            """;
        return Page(brief.Title, body);
    }

    /// <summary>
    /// For a request that lists what may be changed (a recommendation's proposed actions): per item, leave it out, or a lower cost,
    /// fewer hours, a smaller quantity, another time. Empty keeps what was asked; <see cref="FormAmendments"/> reads them back, and
    /// only an approval carries them.
    /// </summary>
    private static string Changes(ApprovalRequest request)
    {
        var items = Amendments.ListedIn(request.DecisionContext);
        if (items.Count == 0) return "";
        var sets = items.Select(item =>
        {
            string Number(string field, decimal? asked, string what, string min) => asked is not { } value ? "" : $"""
                <label for="{field}-{item.Index}">{what} (asked {value.ToString("N2", Invariant)})</label>
                <input id="{field}-{item.Index}" name="{field}-{item.Index}" type="number" inputmode="decimal" min="{min}" max="{value.ToString(Invariant)}" step="any">
                """;
            var at = item.At is not { } time ? "" : $"""
                <label for="at-{item.Index}">Move to, UTC (asked {E(DecisionBrief.At(time))})</label>
                <input id="at-{item.Index}" name="at-{item.Index}" type="datetime-local">
                """;
            return $"""
                <fieldset><legend>{E(item.Title ?? $"Item {item.Index + 1}")}</legend>
                <label class="drop"><input type="checkbox" name="drop-{item.Index}" value="on"> Leave this out</label>
                {Number("cost", item.Cost, "Cost", "0")}{Number("hours", item.Hours, "Hours", "0.01")}{Number("quantity", item.Quantity, "Quantity", "0.01")}{at}
                </fieldset>
                """;
        });
        return $"""
            <details class="changes"><summary>Approve with changes</summary>
            <p>Leave a field empty to keep what was asked. You may lower an amount or move a time; the changes count only if you approve.</p>
            {string.Concat(sets)}
            </details>
            """;
    }

    /// <summary>The changes the page's fields ask for (<c>drop-N</c>, <c>cost-N</c>, <c>hours-N</c>, <c>quantity-N</c>, <c>at-N</c>); empty fields change nothing.</summary>
    public static (IReadOnlyList<Amendment> Amendments, string? Problem) FormAmendments(IFormCollection form)
    {
        var byItem = new SortedDictionary<int, Amendment>();
        foreach (var (key, values) in form)
        {
            if (ChangeField().Match(key) is not { Success: true } field || values.FirstOrDefault() is not { Length: > 0 } value) continue;
            var (what, index) = (field.Groups[1].Value, int.Parse(field.Groups[2].Value, Invariant));
            var amendment = byItem.GetValueOrDefault(index) ?? new Amendment(index);
            decimal? number = null;
            DateTimeOffset? at = null;
            if (what is "cost" or "hours" or "quantity")
            {
                if (!decimal.TryParse(value, NumberStyles.Number, Invariant, out var parsed)) return ([], $"Item {index + 1}: the {what} \"{value}\" is not a number.");
                number = parsed;
            }
            else if (what == "at")
            {
                // A datetime-local field has no zone: the page labels it UTC.
                if (!DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], Invariant, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    return ([], $"Item {index + 1}: \"{value}\" is not a date and time (yyyy-MM-ddTHH:mm, UTC).");
                at = new DateTimeOffset(parsed, TimeSpan.Zero);
            }
            byItem[index] = what switch
            {
                "drop" => amendment with { Drop = true },
                "cost" => amendment with { Cost = number },
                "hours" => amendment with { Hours = number },
                "quantity" => amendment with { Quantity = number },
                _ => amendment with { At = at },
            };
        }
        return ([.. byItem.Values], null);
    }

    [GeneratedRegex("^(drop|cost|hours|quantity|at)-([0-9]{1,2})$")]
    private static partial Regex ChangeField();

    private static string Section(DecisionBrief.Section? section, string kind) => section is null ? "" :
        $"""<section class="{kind}"><h2>{E(section.Heading)}</h2>{(section.Text is { } text ? $"<p>{E(text)}</p>" : "")}{List(section.Items)}</section>""";

    private static string List(IReadOnlyList<DecisionBrief.Item> items) => items.Count == 0 ? ""
        : $"<ul>{string.Concat(items.Select(i => $"<li>{(i.Lead is { } lead ? $"<strong>{E(lead)}</strong>: " : "")}{E(i.Text)}</li>"))}</ul>";

    private static string Who(IReadOnlyList<DecisionBrief.Row> rows) => rows.Count == 0 ? ""
        : $"""<section class="who"><dl>{string.Concat(rows.Select(r => $"<dt>{E(r.Term)}</dt><dd>{E(r.Detail)}</dd>"))}</dl></section>""";

    private static string Affected(DecisionBrief.Touches? touches)
    {
        if (touches is null) return "";
        var parts = new List<string>();
        if (touches.Summary is { } summary) parts.Add($"<p>{E(summary)}</p>");
        if (touches.Proposal is { } proposal)
        {
            parts.Add($"<h3>Proposed by {E(proposal.Model)}</h3><ul>{string.Concat(proposal.Actions.Select(a => $"<li>{E(a)}</li>"))}</ul>");
            if (proposal.Expected is { } expected) parts.Add($"<p>Expected: {E(expected)}.</p>");
        }
        if (touches.Customers.Count > 0)
            parts.Add("<table><thead><tr><th>Customer</th><th>Order</th><th>Promised</th><th class=\"n\">Value</th></tr></thead><tbody>"
                + string.Concat(touches.Customers.Select(c => $"<tr><td>{E(c.Name)}</td><td>{E(c.Order)}</td><td>{E(c.Promised)}</td><td class=\"n\">{E(c.Value)}</td></tr>"))
                + "</tbody></table>");
        foreach (var list in touches.Lists) parts.Add($"<p><b>{E(list.Label)}:</b> {E(string.Join(", ", list.Items))}</p>");
        if (touches.ValueAtRisk is { } risk) parts.Add($"<p><b>Value at risk:</b> {E(risk)}</p>");
        return $"""<section class="affected"><h2>{E(touches.Heading)}</h2>{string.Concat(parts)}</section>""";
    }

    public static string Message(string title, string detail) => Page(title, $"<h1>{E(title)}</h1><p>{E(detail)}</p>");

    private static string Page(string title, string body)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<meta name=\"robots\" content=\"noindex\"><title>").Append(E(title)).Append("</title>");
        // Nothing may be wider than a phone: long words and JSON wrap, tables shrink, the two choices wrap under each other if they must.
        html.Append("<style>*{box-sizing:border-box}body{font-family:system-ui,sans-serif;line-height:1.4;max-width:40rem;margin:1rem auto;padding:0 1rem;")
            .Append("overflow-wrap:anywhere}h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .3rem}.meta{color:#555;margin:0}")
            .Append("section{margin:.8rem 0}.drift,.confirm{border-left:4px solid #c60;padding-left:.7rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}")
            .Append("dt{font-weight:bold}dd{margin:0}table{width:100%;border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:.2rem .3rem;border-bottom:1px solid #ddd;overflow-wrap:break-word}")
            .Append(".n{text-align:right}textarea{display:block;width:100%;min-height:4rem;font:inherit}.choices{display:flex;flex-wrap:wrap;gap:.8rem;margin-top:1rem}")
            .Append(".choices button{flex:1 1 8rem;font-size:1.1rem;padding:.7rem 1rem;border-radius:.4rem;border:1px solid #333;cursor:pointer}")
            .Append(".approve{background:#176b2c;color:#fff}.reject{background:#fff;color:#8a1111;border-color:#8a1111}")
            .Append("fieldset{border:1px solid #ccc;margin:.6rem 0;padding:.4rem .7rem}fieldset label{display:block;margin-top:.4rem}fieldset input[type=number],fieldset input[type=datetime-local]{width:100%;font:inherit}")
            .Append(".changes summary{font-weight:bold;cursor:pointer}.changes{margin:1rem 0}")
            .Append("pre{white-space:pre-wrap;background:#f4f4f4;padding:.7rem;font-size:.8rem}details{margin-top:1.5rem}</style>");
        html.Append("</head><body>").Append(body).Append("</body></html>");
        return html.ToString();
    }

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
