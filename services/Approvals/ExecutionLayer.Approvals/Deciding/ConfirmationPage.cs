using System.Net;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// The page a decision link opens: what is asked, on which data, and one button that POSTs. Opening
/// it decides nothing, because mail scanners and chat previews fetch links on their own.
/// </summary>
internal static class ConfirmationPage
{
    public static string Render(ApprovalRequest request, DecisionToken token, string rawToken)
    {
        var verb = token.Verdict == Verdict.Approve ? "Approve" : "Reject";
        var amount = request.Amount is { } a ? $"{a:N2} {request.Currency}" : request.Severity ?? "";
        var seat = token.OnBehalfOf is null ? E(token.Approver) : $"{E(token.Approver)} for {E(token.OnBehalfOf)}";
        var context = JsonSerializer.Serialize(request.DecisionContext, new JsonSerializerOptions { WriteIndented = true });
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
            <h2>The data this decision relies on</h2>
            <pre>{E(context)}</pre>
            <form method="post" action="../decisions">
              <input type="hidden" name="token" value="{E(rawToken)}">
              <label>Comment <textarea name="comment" maxlength="{DecideHandler.MaxCommentLength}"></textarea></label>
              <button type="submit">{verb}</button>
            </form>
            """;
        return Page($"{verb} {request.Subject}", body);
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
