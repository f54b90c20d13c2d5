using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// The page a decision link opens, written for the approver on a phone: what is asked and why, when the stage is due and what
/// happens then, under which policy and with whom; what changed since it was asked (before the buttons); what it touches —
/// customers with their promise dates, orders, lots, shipments, the value at risk, a recommendation's proposal; then approve and
/// reject side by side, each a signed token; the request's data as JSON behind a disclosure. Opening it decides nothing, because
/// mail scanners and chat previews fetch links on their own.
/// </summary>
internal static class ConfirmationPage
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="token">The link's token: who decides which stage, and the verdict the link was sent for.</param>
    /// <param name="siblingToken">The same seat's token for the other verdict, so both choices are on the page.</param>
    /// <param name="contexts">The context as requested, now and what changed, for a request whose context has an owner (null: none has).</param>
    public static string Render(ApprovalRequest request, DecisionToken token, string rawToken, string siblingToken, DateTimeOffset now, DecisionContexts? contexts = null)
    {
        var (approve, reject) = token.Verdict == Verdict.Approve ? (rawToken, siblingToken) : (siblingToken, rawToken);
        // Past the policy's drift rule, the buttons confirm on the data now — the digest of exactly what this page shows.
        var confirming = contexts is { NeedsConfirming.Count: > 0, LiveDigest: { } digest } ? digest : null;
        var reconfirm = confirming is null ? "" : $"""
            <section class="confirm"><h2>Confirm on the data now</h2>
            <p>The policy asks you to confirm on the data as it stands now, not as it was requested:</p>
            <ul>{string.Concat(contexts!.NeedsConfirming.Select(r => $"<li>{E(r)}</li>"))}</ul></section>
            """;
        var shown = contexts is { Live: true, Now: { } live } ? live : request.DecisionContext;
        var asRequested = JsonSerializer.Serialize(request.DecisionContext, new JsonSerializerOptions { WriteIndented = true });
        var body = $"""
            <header>
              <p class="meta">{E(request.Site)} · {E(request.Subject.Type)} · {E(request.Subject.Id)}</p>
              <h1>{E(request.Reason)}</h1>
              <p class="ask">{E(Ask(request))}</p>
            </header>
            {Due(request, now)}
            {Who(request, token)}
            {Drift(contexts)}
            {Affected(shown, contexts is { Live: true } ? "What it touches now" : "What it touches")}
            {reconfirm}
            <form method="post" action="../decisions">{(confirming is null ? "" : $"""

              <input type="hidden" name="confirmedContext" value="{E(confirming)}">
            """)}
              <label for="comment">Comment (a rejection's reason)</label>
              <textarea id="comment" name="comment" maxlength="{DecideHandler.MaxCommentLength}"></textarea>
              <div class="choices">
                <button type="submit" name="token" value="{E(approve)}" class="approve">{(confirming is null ? "Approve" : "Confirm and approve")}</button>
                <button type="submit" name="token" value="{E(reject)}" class="reject">{(confirming is null ? "Reject" : "Confirm and reject")}</button>
              </div>
            </form>
            <details><summary>Details: the data as requested (JSON)</summary><pre>{E(asRequested)}</pre></details>
            """;
        return Page(request.Reason, body);
    }

    private static string Ask(ApprovalRequest request) =>
        (request.Amount is { } amount ? string.Create(Invariant, $"{amount:N2} {request.Currency}") : $"Severity {request.Severity ?? "unstated"}")
        + $", asked by {request.Requester}{(request.RequestedBy is { } client ? $" through {client}" : "")} at {At(request.RequestedAt)}";

    /// <summary>When the stage is due and what follows: the next level of its escalation, or the request's expiry.</summary>
    private static string Due(ApprovalRequest request, DateTimeOffset now)
    {
        if (request.Stage is not { } stage) return "";
        var planned = request.Plan.FirstOrDefault(p => p.Index == stage.Index);
        var next = planned is not null && stage.Level < planned.Escalation.Count ? planned.Escalation[stage.Level] : null;
        var then = next is not null ? $"then it goes to {Name(next)}" : $"then it waits until the request expires at {At(request.ExpiresAt)}";
        return $"""<section class="due"><h2>Due {E(At(stage.DueAt))}</h2><p>{E(Left(stage.DueAt - now))}; {E(then)}.</p></section>""";
    }

    /// <summary>The policy, the stage's approvers and how many of them must approve, and whose seat this link decides in.</summary>
    private static string Who(ApprovalRequest request, DecisionToken token)
    {
        if (request.Stage is not { } stage) return "";
        var approvers = stage.Approvers.Select(a => stage.Votes.FirstOrDefault(v => string.Equals(v.Seat, a, StringComparison.OrdinalIgnoreCase)) is { } vote
            ? $"{a} ({vote.Verdict.ToString().ToLowerInvariant()}d)" : a);
        var seat = token.OnBehalfOf is null ? token.Approver : $"{token.Approver} for {token.OnBehalfOf}";
        return $"""
            <section class="who"><dl>
              <dt>Policy</dt><dd>{E($"{request.PolicyId} v{request.PolicyVersion}")}</dd>
              <dt>Stage</dt><dd>{E($"{stage.Name} ({stage.Index + 1} of {request.Plan.Count}){(stage.Level > 0 ? $", escalated {stage.Level}×" : "")}")}</dd>
              <dt>Approvers</dt><dd>{E($"{string.Join(", ", approvers)} — {stage.Required} of {stage.Approvers.Count} needed")}</dd>
              <dt>You decide as</dt><dd>{E(seat)}</dd>
            </dl></section>
            """;
    }

    /// <summary>
    /// What the decision touches, from the context's members as the services publish them (camelCase): a recommendation's proposal,
    /// the case summary, customers with their promise dates and values, orders, lots, shipments, the value at risk. A member of
    /// another shape is in the JSON behind the disclosure.
    /// </summary>
    private static string Affected(JsonElement context, string heading)
    {
        if (context.ValueKind != JsonValueKind.Object) return "";
        var parts = new List<string>();
        if (Text(context, "caseSummary") is { } summary) parts.Add($"<p>{E(summary)}</p>");
        if (Strings(context, "proposedActions") is { Count: > 0 } proposed)
        {
            var by = string.Join(" ", new[] { Text(context, "sourceSystem"), Text(context, "model"), Text(context, "modelVersion") }.OfType<string>());
            parts.Add($"<h3>Proposed by {E(by)}</h3><ul>{string.Concat(proposed.Select(p => $"<li>{E(p)}</li>"))}</ul>");
            if (Text(context, "expectedEffect") is { } effect)
                parts.Add($"<p>Expected: {E(effect)}{(Number(context, "confidence") is { } c ? E(string.Create(Invariant, $" (confidence {c:0.##})")) : "")}.</p>");
        }
        if (context.TryGetProperty("commitments", out var commitments) && commitments.ValueKind == JsonValueKind.Array && commitments.GetArrayLength() > 0)
        {
            var rows = commitments.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(c => $"<tr><td>{E(Text(c, "customer") ?? "")}</td>"
                + $"<td>{E(Text(c, "salesOrderId") ?? "")}</td><td>{E(Text(c, "promiseDate") is { } p && DateTimeOffset.TryParse(p, Invariant, DateTimeStyles.AssumeUniversal, out var at) ? At(at) : "")}</td>"
                + $"<td class=\"n\">{E(Number(c, "value") is { } v ? string.Create(Invariant, $"{v:N0} {Text(c, "currency")}") : "")}</td></tr>");
            parts.Add($"<table><thead><tr><th>Customer</th><th>Order</th><th>Promised</th><th class=\"n\">Value</th></tr></thead><tbody>{string.Concat(rows)}</tbody></table>");
        }
        foreach (var (member, label) in new[] { ("productionOrders", "Production orders"), ("lots", "Lots"), ("shipments", "Shipments") })
            if (Strings(context, member) is { Count: > 0 } items) parts.Add($"<p><b>{label}:</b> {E(string.Join(", ", items))}</p>");
        if (Number(context, "valueAtRisk") is { } risk) parts.Add($"<p><b>Value at risk:</b> {E(risk.ToString("N0", Invariant))}</p>");
        return parts.Count == 0 ? "" : $"""<section class="affected"><h2>{heading}</h2>{string.Concat(parts)}</section>""";
    }

    /// <summary>What changed since the request, said before the buttons: an approver must not decide on a picture that no longer holds without knowing.</summary>
    private static string Drift(DecisionContexts? contexts)
    {
        if (contexts is null) return "";
        if (!contexts.Live)
            return $"""<section class="drift"><h2>The data now could not be had</h2><p>{E(contexts.Unavailable ?? "")} You decide on the data as it was requested; the decision records that.</p></section>""";
        var d = contexts.Drift!;
        if (!d.Any) return """<section class="drift"><h2>Nothing has changed since it was requested</h2><p>Checked now with its owner.</p></section>""";
        var changes = new List<string>();
        if (d.Cleared) changes.Add("<strong>The deviation has cleared</strong>: what this decision was asked for may no longer be needed.");
        if (d.ValueAtRiskThen != d.ValueAtRiskNow)
            changes.Add(E(FormattableString.Invariant($"Value at risk: {d.ValueAtRiskThen:N0} then, {d.ValueAtRiskNow:N0} now{(d.ValueAtRiskChangePercent is { } p ? $" ({p:+0.#;-0.#} %)" : "")}.")));
        void Listed(string what, IReadOnlyList<string> items) { if (items.Count > 0) changes.Add(E($"{what}: {string.Join(", ", items)}.")); }
        Listed("Customers now affected", d.CustomersAdded);
        Listed("Customers no longer affected", d.CustomersGone);
        Listed("Orders added", d.OrdersAdded);
        Listed("Orders no longer affected", d.OrdersGone);
        Listed("Shipments added", d.ShipmentsAdded);
        Listed("Shipments no longer affected", d.ShipmentsGone);
        return $"""<section class="drift"><h2>What changed since it was requested</h2><ul>{string.Concat(changes.Select(c => $"<li>{c}</li>"))}</ul></section>""";
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
            .Append("pre{white-space:pre-wrap;background:#f4f4f4;padding:.7rem;font-size:.8rem}details{margin-top:1.5rem}</style>");
        html.Append("</head><body>").Append(body).Append("</body></html>");
        return html.ToString();
    }

    private static string At(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM HH:mm 'UTC'", Invariant);

    private static string Left(TimeSpan left) => left <= TimeSpan.Zero ? "its time has passed"
        : left.TotalHours >= 48 ? string.Create(Invariant, $"in {left.TotalDays:0} days")
        : string.Create(Invariant, $"in {(int)left.TotalHours} h {left.Minutes} min");

    private static string Name(Policies.ApproverRef who) => who.Person ?? $"whoever holds {who.Role}";

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static decimal? Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)] : [];

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
