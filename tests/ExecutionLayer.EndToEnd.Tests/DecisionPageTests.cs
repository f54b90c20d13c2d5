using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Playwright;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The page an approver opens from a chat message, in a real browser (Debian's chromium, driven by Playwright): a third Saturday
/// asked with a case's kind of data, its link opened as the plant manager would — on a phone (390 px) and at a desk (1280 px). It
/// must not scroll sideways, must show both choices and when the stage is due. Screenshots are kept under the data directory.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class DecisionPageTests(PlantDayRun run)
{
    [Fact]
    public async Task The_link_opens_a_page_readable_on_a_phone_and_a_desk_with_both_choices_and_the_due_time()
    {
        // Asked with the data a case would give it (customers, their promise dates, orders, shipments), long names and all.
        UntypedNode Text(string value) => new UntypedString(value);
        await run.Cast.PlanningDesk.Api.Approvals.PostAsync(new RequestApprovalBody
        {
            RequestId = Guid.NewGuid(), Subject = new() { Type = "overtime", Id = $"{Site}/third-saturday" }, Site = Site, Amount = 7_500, Currency = "USD",
            Reason = "A third Saturday shift for the CNC-4 backlog",
            DecisionContext = new UntypedObject(new Dictionary<string, UntypedNode>
            {
                ["caseSummary"] = Text("CNC-4 down (spindle fault SP-101): PR-77 and PR-79 stopped, Acme Axles and Birch Brakes waiting"),
                ["productionOrders"] = new UntypedArray([Text("PR-77"), Text("PR-79")]), ["shipments"] = new UntypedArray([Text("SH-900")]),
                ["commitments"] = new UntypedArray([new UntypedObject(new Dictionary<string, UntypedNode>
                {
                    ["salesOrderId"] = Text("SO-1001"), ["customer"] = Text("Acme Axles Manufacturing Corporation of Greater Ohio"),
                    ["promiseDate"] = Text(run.Day.Monday.AddDays(4).AddHours(17).ToString("O")), ["value"] = new UntypedInteger(48_000), ["currency"] = Text("USD"),
                })]),
                ["valueAtRisk"] = new UntypedInteger(100_000),
                ["note"] = Text(new string('x', 300)),
            }),
        });
        var notice = await run.Bridge.WaitForAsync("approval.requested",
            n => n.Approver == PlantManager && n.Data.Text("subject.id") == $"{Site}/third-saturday", TimeSpan.FromSeconds(60), CancellationToken.None);
        var link = notice.Data.Text("actions.approve.url");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await InChromium.LaunchAsync(playwright);
        foreach (var width in new[] { 390, 1280 })
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 844 } });
            var page = await context.NewPageAsync();
            var opened = await page.GotoAsync(link);
            Assert.Equal(200, opened!.Status);

            var (scroll, client) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("document.documentElement.clientWidth"));
            Assert.True(scroll <= client, $"At {width} px the page scrolls sideways ({scroll} > {client}).");
            var approve = page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true });
            var reject = page.GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true });
            Assert.True(await approve.IsVisibleAsync() && await reject.IsVisibleAsync(), $"At {width} px both choices are shown.");
            foreach (var button in new[] { approve, reject })
                Assert.True((await button.BoundingBoxAsync()) is { } box && box.X >= 0 && box.X + box.Width <= width, $"At {width} px a button is cut off.");
            Assert.Contains("Due ", await page.Locator("section.due h2").InnerTextAsync());
            Assert.Contains("Acme Axles", await page.Locator("section.affected").InnerTextAsync());
            await page.ScreenshotAsync(new() { Path = InChromium.Screenshot($"decision-page-{width}.png"), FullPage = true });
        }
        // Opening it decided nothing.
        Assert.Equal(ApprovalStatus.Pending, (await run.Cast.PlanningDesk.Api.Approvals[notice.ApprovalId].GetAsync())!.State!.Status);
    }
}
