using ExecutionLayer.Client;
using ExecutionLayer.Client.Models;
using Microsoft.Playwright;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The execution console in a real browser (Debian's chromium, driven by Playwright), signed in as the plant manager with a
/// development token, after the plant's day: a machine that stops while the console is open appears on its own with the customers
/// it puts at risk; the morning's hold shows every lot made from the held one as a tree; the breakdown's trail reads as a chain in
/// which the approval escalated and the action was verified; and the plant view fits a phone. Screenshots are kept.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class ConsoleTests(PlantDayRun run)
{
    private static readonly string[] PlantManagerScopes = ["exceptions:read", "approvals:decide", "actions:read", "audit:read"];

    [Fact]
    public async Task The_plant_manager_watches_a_breakdown_arrive_the_holds_tree_and_the_breakdowns_chain_on_a_desk_and_a_phone()
    {
        var token = run.System.Tokens.For(PlantManager, PlantManagerScopes, [Site]);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await InChromium.LaunchAsync(playwright);
        await using var desk = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await desk.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); }; // a view that could not draw, a read refused

        await page.GotoAsync($"{run.System.Gateway.BaseAddress.TrimEnd('/')}/console/#token={token}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{Site}: the plant now" })).ToBeVisibleAsync();
        Assert.DoesNotContain("token=", page.Url); // taken out of the address at once

        // CNC-7 stops while the console is open: the case appears by itself (no reload), with the customer it puts at risk.
        var now = (await run.Cast.Admin.Api.Dev.Exceptions.Clock.GetAsync())!.Now!.Value;
        var answer = await run.Cast.Erp.Api.Events.PostAsync([
            OperationalEvent.Of(new SalesOrderConfirmedEvent { Data = new()
                { OrderId = "SO-7070", Customer = "Console Castings", Item = "HUB-7", Quantity = 70, PromiseDate = now.AddDays(3), Value = 70_000, Currency = "USD" } },
                "console-so-7070", "sap-oh", Site, "sales-order/SO-7070", now.AddMinutes(-30)),
            OperationalEvent.Of(new ProductionOrderReleasedEvent { Data = new()
                {
                    OrderId = "PR-707", SalesOrderId = "SO-7070", Item = "HUB-7", Quantity = 70, WorkCenter = "CNC-7", Due = now.AddDays(2),
                    Materials = [new() { Item = "CASTING-7", Quantity = 70, LotId = "L-7070" }],
                } },
                "console-pr-707", "sap-oh", Site, "production-order/PR-707", now.AddMinutes(-20)),
            OperationalEvent.Of(new MachineStateChangedEvent { Data = new()
                { WorkCenter = "CNC-7", State = MachineStateChanged_state.Down, ReasonCode = "HY-2", Reason = "hydraulic leak" } },
                "console-cnc7-down", "mes-cnc", Site, "work-center/CNC-7", now.AddMinutes(-5)),
        ]);
        Assert.True(answer!.Accepted == 3, string.Join("; ", (answer.Results ?? []).Where(r => r.Status == IntakeStatus.Rejected).Select(r => $"{r.Id}: {r.Problem?.Detail}")));
        var card = page.Locator("li.card[data-case]", new() { HasText = "CNC-7" });
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 90_000 }); // within a refresh or two
        await card.GetByRole(AriaRole.Button, new() { Name = "Impact and response" }).ClickAsync();
        await Expect(card.Locator("table")).ToContainTextAsync("Console Castings");
        await Expect(card.Locator("table")).ToContainTextAsync("SO-7070");
        await Expect(card).ToContainTextAsync("PR-707");
        await page.ScreenshotAsync(new() { Path = InChromium.Screenshot("console-plant-1280.png"), FullPage = true });

        // The morning's hold on L-5521: every lot made from it, as a tree under the lot it was made from.
        await page.GetByLabel("Show resolved cases too").CheckAsync();
        var hold = page.Locator("li.card[data-case]", new() { HasText = "Quality hold QH-1" });
        await hold.GetByRole(AriaRole.Button, new() { Name = "Impact and response" }).ClickAsync();
        await hold.GetByRole(AriaRole.Button, new() { Name = "Genealogy of L-5521" }).ClickAsync();
        var tree = hold.GetByRole(AriaRole.Tree);
        await Expect(tree.Locator("[data-lot='L-5521'] [data-lot='L-6001'] [data-lot='L-7001']")).ToBeVisibleAsync();

        // An action that falls overdue says where it stands on the site's escalation ladder (the actions clock moved past its due time).
        var actionsNow = (await run.Cast.Admin.Api.Dev.Actions.Clock.GetAsync())!.Now!.Value;
        var late = await run.Cast.Admin.Api.Actions.PostAsync(new CreateActionBody
            { Title = "Replace CNC-7's hydraulic hose", Owner = MaintenanceLead, Site = Site, Due = actionsNow.AddMinutes(1) });
        await run.Cast.Admin.Api.Dev.Actions.Clock.PostAsync(new MoveClock { By = TimeSpan.FromMinutes(5) });
        await Expect(page.Locator($"li.card[data-action='{late!.ActionId}'] p.ladder")).ToContainTextAsync("Escalated to level 1", new() { Timeout = 90_000 });

        // My work, reached with the keyboard: a third Saturday asked of the plant manager, counting down, its context a click away.
        var asked = await run.Cast.PlanningDesk.Api.Approvals.PostAsync(new RequestApprovalBody
        {
            RequestId = Guid.NewGuid(), Subject = new() { Type = "overtime", Id = $"{Site}/console-saturday" }, Site = Site, Amount = 6_400, Currency = "USD",
            Reason = "A Saturday shift for CNC-7's backlog",
            DecisionContext = new Microsoft.Kiota.Abstractions.Serialization.UntypedObject(new Dictionary<string, Microsoft.Kiota.Abstractions.Serialization.UntypedNode>
                { ["valueAtRisk"] = new Microsoft.Kiota.Abstractions.Serialization.UntypedInteger(70_000) }),
        });
        var myWork = page.GetByRole(AriaRole.Navigation, new() { Name = "Views" }).GetByRole(AriaRole.Link, new() { Name = "My work" });
        await myWork.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"My work: {PlantManager}" })).ToBeVisibleAsync();
        var waiting = page.Locator($"li.card[data-approval='{asked!.ApprovalId}']");
        await Expect(waiting).ToContainTextAsync("console-saturday", new() { Timeout = 60_000 });
        await Expect(waiting.Locator(".countdown")).ToContainTextAsync("in ");
        await waiting.GetByRole(AriaRole.Button, new() { Name = "Context and what changed" }).ClickAsync();
        await Expect(waiting).ToContainTextAsync("Value at risk when asked: 70,000");

        // The scorecard of the day's quarter, with its objective and the KPIs over time.
        await page.GetByRole(AriaRole.Link, new() { Name = "Scorecard" }).ClickAsync();
        await page.GetByLabel("Period (2026, 2026-Q4 or 2026-12; empty for now)").FillAsync(run.Day.Scorecard.Period!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.Locator("li.card[data-objective='dayton-ships-good-parts']")).ToContainTextAsync("Dayton ships good parts on time");
        await Expect(page.Locator("figure.chart figcaption", new() { HasText = "On-time delivery" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = InChromium.Screenshot("console-scorecard-1280.png"), FullPage = true });

        // The breakdown's trail: a chain, in which the approval escalated and the repair was verified.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        await page.GetByLabel("Subject (sales-order/SO-1001, lot/L-5521, work-center/CNC-4) or correlation id").FillAsync($"case-{run.Day.MachineCaseId}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show its trail" }).ClickAsync();
        var chain = page.GetByRole(AriaRole.List, new() { Name = "The trail, each entry after what caused it" });
        await Expect(chain).ToContainTextAsync("Stage escalated");
        await Expect(chain).ToContainTextAsync("Closure verified");
        await Expect(page.GetByText("The ledger verifies")).ToBeVisibleAsync();
        var entries = await chain.Locator("li[data-sequence]").EvaluateAllAsync<string[][]>("items => items.map(i => [i.dataset.sequence, i.dataset.causedBy])");
        var shown = entries.Select(e => e[0]).ToList();
        Assert.True(entries.Length > 10, $"a trail of {entries.Length}");
        foreach (var e in entries.Where(e => e[1] is { Length: > 0 } cause && shown.Contains(cause)))
            Assert.True(shown.IndexOf(e[1]) < shown.IndexOf(e[0]), $"#{e[0]} is shown before #{e[1]}, which caused it");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = $"case-{run.Day.MachineCaseId}" }).ClickAsync());
        Assert.Contains("\"sequence\"", await File.ReadAllTextAsync(await download.PathAsync()));
        await page.ScreenshotAsync(new() { Path = InChromium.Screenshot("console-audit-1280.png") });

        // The plant view on a phone: nothing scrolls sideways, and the views are a tap away.
        await using var phone = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var small = await phone.NewPageAsync();
        await small.GotoAsync($"{run.System.Gateway.BaseAddress.TrimEnd('/')}/console/#token={token}");
        await Expect(small.Locator("li.card[data-case]", new() { HasText = "CNC-7" })).ToBeVisibleAsync();
        var (scroll, client) = (await small.EvaluateAsync<int>("document.documentElement.scrollWidth"), await small.EvaluateAsync<int>("document.documentElement.clientWidth"));
        Assert.True(scroll <= client, $"At 390 px the console scrolls sideways ({scroll} > {client}).");
        foreach (var view in new[] { "Plant", "My work", "Scorecard", "Audit" })
            await Expect(small.GetByRole(AriaRole.Navigation, new() { Name = "Views" }).GetByRole(AriaRole.Link, new() { Name = view })).ToBeVisibleAsync();
        await small.ScreenshotAsync(new() { Path = InChromium.Screenshot("console-plant-390.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Without_a_token_the_console_asks_for_one_and_a_token_from_the_identity_provider_signs_the_person_in_and_out()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await InChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{run.System.Gateway.BaseAddress.TrimEnd('/')}/console/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ExecutionLayer console" })).ToBeVisibleAsync();

        await page.GetByLabel("Bearer token").FillAsync("not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not a token the console can read");

        // A token the gateway does not accept (signed with another key) reads, but the first call says why and signs out again.
        var forged = new ExecutionLayer.Demo.Api.DevelopmentTokens(new string('x', 40), "executionlayer-dev", "executionlayer").For(PlantManager, PlantManagerScopes, [Site]);
        await page.GetByLabel("Bearer token").FillAsync(forged);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not signed in");

        await page.GetByLabel("Bearer token").FillAsync(run.System.Tokens.For(QualityLead, PlantManagerScopes, [Site]));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync(QualityLead);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{Site}: the plant now" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("Bearer token")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('el-console-token')"));
    }

    [Fact]
    public async Task The_gateway_serves_the_console_as_files_that_run_no_script_from_elsewhere_and_the_services_say_their_clock()
    {
        using var http = new HttpClient { BaseAddress = new Uri(run.System.Gateway.BaseAddress) };
        using var bare = await http.GetAsync("/console", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("/console/", bare.RequestMessage!.RequestUri!.AbsolutePath); // redirected to the folder
        using var page = await http.GetAsync("/console/");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("no-cache", page.Headers.CacheControl!.ToString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/console/nothing-here.js")).StatusCode);

        // A development clock runs ahead of the wall: each answer says where it stands, and the console counts down from it.
        var clock = (await run.Cast.Admin.Api.Dev.Exceptions.Clock.GetAsync())!.Now!.Value;
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/exceptions?site={Site}&limit=1");
        read.Headers.Authorization = new("Bearer", run.System.Tokens.For(PlantManager, PlantManagerScopes, [Site]));
        using var answer = await http.SendAsync(read);
        var said = DateTimeOffset.Parse(answer.Headers.GetValues("X-Service-Clock").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(said - clock, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
