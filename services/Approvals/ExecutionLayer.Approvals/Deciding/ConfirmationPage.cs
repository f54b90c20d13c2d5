using System.Net;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// The page a decision link opens: what is asked, on which data, and one button that POSTs. Opening
/// it decides nothing, because mail scanners and chat previews fetch links on their own.
/// </summary>
internal static class ConfirmationPage
{
    /// <param name="contexts">The context as requested, now and what changed, for a request whose context has an owner (null: none has).</param>
    public static string Render(ApprovalRequest request, DecisionToken token, string rawToken, DecisionContexts? contexts = null)
    {
        var verb = token.Verdict == Verdict.Approve ? "Approve" : "Reject";
        var amount = request.Amount is { } a ? $"{a:N2} {request.Currency}" : request.Severity ?? "";
        var seat = token.OnBehalfOf is null ? E(token.Approver) : $"{E(token.Approver)} for {E(token.OnBehalfOf)}";
        var context = JsonSerializer.Serialize(request.DecisionContext, new JsonSerializerOptions { WriteIndented = true });
        // Past the policy's drift rule, the button confirms on the data now — the digest of exactly what this page shows.
        var confirming = contexts is { NeedsConfirming.Count: > 0, LiveDigest: { } digest } ? digest : null;
        var reconfirm = confirming is null ? "" : $"""
            <h2>Confirm on the data now</h2>
            <p>The policy asks you to confirm on the data as it stands now, not as it was requested:</p>
            <ul>{string.Concat(contexts!.NeedsConfirming.Select(r => $"<li>{E(r)}</li>"))}</ul>
            """;
        var body = $"""
            <h1>{verb} {E(request.Subject.ToString())}?</h1>
            <dl>
              <dt>Site</dt><dd>{E(request.Site)}</dd>
              <dt>Amount or severity</dt><dd>{E(amount)}</dd>
              <dt>Requested by</dt><dd>{E(request.Requester)}</dd>
              <dt>Reason</dt><dd>{E(request.Reason)}</dd>
              <dt>Stage</dt><dd>{E(request.Stage?.Name ?? "")}</dd>
              <dt>Deciding as</dt><dd>{seat}</dd>
            </dl>
            {Drift(contexts)}
            <h2>The data this decision {(contexts is { Live: true } ? "was requested on" : "relies on")}</h2>
            <pre>{E(context)}</pre>
            {reconfirm}
            <form method="post" action="../decisions">
              <input type="hidden" name="token" value="{E(rawToken)}">{(confirming is null ? "" : $"""

              <input type="hidden" name="confirmedContext" value="{E(confirming)}">
            """)}
              <label>Comment <textarea name="comment" maxlength="{DecideHandler.MaxCommentLength}"></textarea></label>
              <button type="submit">{(confirming is null ? verb : $"Confirm on the data now and {verb.ToLowerInvariant()}")}</button>
            </form>
            """;
        return Page($"{verb} {request.Subject}", body);
    }

    /// <summary>What changed since the request, said before the data: an approver must not decide on a picture that no longer holds without knowing.</summary>
    private static string Drift(DecisionContexts? contexts)
    {
        if (contexts is null) return "";
        if (!contexts.Live)
            return $"<h2>The data now could not be had</h2><p>{E(contexts.Unavailable ?? "")} You decide on the data as it was requested; the decision records that.</p>";
        var d = contexts.Drift!;
        if (!d.Any) return "<h2>Nothing has changed since it was requested</h2><p>Checked now with its owner.</p>";
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
        var now = JsonSerializer.Serialize(contexts.Now, new JsonSerializerOptions { WriteIndented = true });
        return $"<h2>What changed since it was requested</h2><ul>{string.Concat(changes.Select(c => $"<li>{c}</li>"))}</ul><h2>The data now</h2><pre>{E(now)}</pre>";
    }

    public static string Message(string title, string detail) => Page(title, $"<h1>{E(title)}</h1><p>{E(detail)}</p>");

    private static string Page(string title, string body)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        html.Append("<meta name=\"robots\" content=\"noindex\"><title>").Append(E(title)).Append("</title>");
        html.Append("<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}")
            .Append("dt{font-weight:bold}textarea{display:block;width:100%;min-height:4rem}button{margin-top:1rem;font-size:1.1rem;padding:.5rem 1.5rem}</style>");
        html.Append("</head><body>").Append(body).Append("</body></html>");
        return html.ToString();
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
