using System.Text.Json;
using ExecutionLayer.Approvals.Deciding;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>The text a chat bridge posts says what the decision page says, in the same order, and a request's words stay words.</summary>
public sealed class NoticeTextTests
{
    private static JsonElement Impact(decimal valueAtRisk, params string[] customers) => JsonSerializer.SerializeToElement(new
    {
        caseSummary = "Press line 3 down: 4 orders late",
        productionOrders = new[] { "PO-1", "PO-2" }, shipments = new[] { "SH-1" }, valueAtRisk,
        commitments = customers.Select(c => new { customer = c, salesOrderId = "SO-7", promiseDate = "2026-12-09T12:00:00Z", value = 26_000m, currency = "USD" }),
    });

    private static ApprovalRequest Asked(JsonElement context, string reason = "Overtime to recover press line 3") =>
        Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request() with { DecisionContext = context, Reason = reason }, Version(Policy()), At(AskedAt)));

    private static string Text(ApprovalRequest request, DecisionContexts? contexts = null) =>
        NoticeText.Render(DecisionBrief.Of(request, PlantManager, null, AskedAt.AddHours(1), contexts), "https://el.test/decisions/a", "https://el.test/decisions/r");

    [Fact]
    public void The_notice_says_when_it_is_due_under_which_policy_with_whom_and_what_it_touches_then_links_both_choices()
    {
        var text = Text(Asked(Impact(52_000m, "Acme Axles")));
        var page = ConfirmationPage.Render(Asked(Impact(52_000m, "Acme Axles")),
            DecisionToken.For(Guid.Empty, 0, 0, PlantManager, null, Verdict.Approve, AskedAt.AddDays(2)), "a", "r", AskedAt.AddHours(1));

        string[] inOrder = ["**Overtime to recover press line 3**", "**Due ", "- **Policy:** ", "- **Approvers:** ", "- **You decide as:** pat.plant",
            "**What it touches**", "Press line 3 down: 4 orders late", "- Acme Axles, SO-7, promised Wed 9 Dec 12:00 UTC, 26,000 USD",
            "**Production orders:** PO-1, PO-2", "**Value at risk:** 52,000", "[Approve](https://el.test/decisions/a) · [Reject](https://el.test/decisions/r)"];
        var at = -1;
        foreach (var part in inOrder)
        {
            var next = text.IndexOf(part, StringComparison.Ordinal);
            Assert.True(next > at, $"expected \"{part}\" after what came before in:\n{text}");
            at = next;
        }
        // The same words as the page: its due line and the customers' promise date.
        var due = text.Split('\n').Single(l => l.StartsWith("**Due ", StringComparison.Ordinal)).Trim('*');
        Assert.Contains(due, page);
        Assert.Contains("Wed 9 Dec 12:00 UTC", page);
    }

    [Fact]
    public void What_changed_since_the_request_comes_before_the_links()
    {
        var asked = Asked(Impact(52_000m, "Acme Axles"));
        var now = Impact(104_000m, "Acme Axles", "Birch Brakes");
        var contexts = new DecisionContexts(asked.Id, asked.DecisionContext, now, ContextDrift.Between(asked.DecisionContext, now, false), true, null,
            ContextSeen.Digest(now), ["Value at risk is up 100 % since the request (the policy allows 25 %)."]);

        var text = Text(asked, contexts);

        Assert.Contains("**What changed since it was requested**\n- Value at risk: 52,000 then, 104,000 now (+100 %).\n- Customers now affected: Birch Brakes.", text);
        Assert.Contains("**What it touches now**", text);
        Assert.Contains("**Confirm on the data now**", text);
        Assert.True(text.IndexOf("Confirm on the data now", StringComparison.Ordinal) < text.IndexOf("[Approve]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reason_written_as_markdown_reads_as_its_characters_not_as_a_link_or_a_heading()
    {
        var text = Text(Asked(Impact(1m), reason: "# Click [here](https://evil.test) *now*"));

        Assert.StartsWith("**\\# Click \\[here\\](https://evil.test) \\*now\\***\n", text);
        Assert.DoesNotContain("[here](", text);
    }
}
