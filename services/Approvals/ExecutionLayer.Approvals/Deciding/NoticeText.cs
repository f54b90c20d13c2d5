using System.Text;
using System.Text.RegularExpressions;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// The <see cref="DecisionBrief"/> as the Markdown (CommonMark) text a chat bridge posts as it is: the same words, in the same order,
/// as the decision page, so an approver reading the chat message knows what the page will ask, and the two links to it. Every value
/// that came from a request is escaped: a reason written with asterisks or brackets must not turn into formatting or a link.
/// </summary>
internal static partial class NoticeText
{
    public static string Render(DecisionBrief brief, string approveUrl, string rejectUrl)
    {
        var text = new StringBuilder();
        text.Append("**").Append(Md(brief.Title)).Append("**\n").Append(Md(brief.Meta)).Append('\n').Append(Md(brief.Ask)).Append('\n');
        Section(text, brief.Due);
        if (brief.Who.Count > 0)
        {
            text.Append('\n');
            foreach (var row in brief.Who) text.Append("- **").Append(Md(row.Term)).Append(":** ").Append(Md(row.Detail)).Append('\n');
        }
        Section(text, brief.Drift);
        if (brief.Affected is { } touches)
        {
            text.Append("\n**").Append(Md(touches.Heading)).Append("**\n");
            if (touches.Summary is { } summary) text.Append(Md(summary)).Append('\n');
            if (touches.Proposal is { } proposal)
            {
                text.Append("Proposed by ").Append(Md(proposal.Model)).Append(":\n");
                foreach (var action in proposal.Actions) text.Append("- ").Append(Md(action)).Append('\n');
                if (proposal.Expected is { } expected) text.Append("Expected: ").Append(Md(expected)).Append(".\n");
            }
            foreach (var c in touches.Customers)
                text.Append("- ").Append(Md(c.Name)).Append(", ").Append(Md(c.Order))
                    .Append(c.Promised.Length > 0 ? $", promised {Md(c.Promised)}" : "").Append(c.Value.Length > 0 ? $", {Md(c.Value)}" : "").Append('\n');
            foreach (var list in touches.Lists) text.Append("**").Append(Md(list.Label)).Append(":** ").Append(Md(string.Join(", ", list.Items))).Append('\n');
            if (touches.ValueAtRisk is { } risk) text.Append("**Value at risk:** ").Append(Md(risk)).Append('\n');
        }
        Section(text, brief.Confirm);
        text.Append("\n[Approve](").Append(approveUrl).Append(") · [Reject](").Append(rejectUrl).Append(')');
        return text.ToString();
    }

    private static void Section(StringBuilder text, DecisionBrief.Section? section)
    {
        if (section is null) return;
        text.Append("\n**").Append(Md(section.Heading)).Append("**\n");
        if (section.Text is { } line) text.Append(Md(line)).Append('\n');
        foreach (var item in section.Items)
            text.Append("- ").Append(item.Lead is { } lead ? $"**{Md(lead)}**: " : "").Append(Md(item.Text)).Append('\n');
    }

    /// <summary>
    /// A value as the characters it is: on one line, CommonMark's inline punctuation backslash-escaped, and nothing at its start that
    /// would open a heading or a list.
    /// </summary>
    private static string Md(string value) =>
        BlockStart().Replace(Inline().Replace(value.ReplaceLineEndings(" "), @"\$0"), m => $"{m.Value[..^1]}\\{m.Value[^1]}");

    [GeneratedRegex(@"[\\`*_\[\]<>|~]")]
    private static partial Regex Inline();

    [GeneratedRegex(@"^(?:[#+=>-]|\d+[.)])")]
    private static partial Regex BlockStart();
}
