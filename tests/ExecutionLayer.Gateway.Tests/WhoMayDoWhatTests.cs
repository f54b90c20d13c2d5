using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ExecutionLayer.Gateway.Tests;

[Collection(FrontDoorCollection.Name)]
public sealed class WhoMayDoWhatTests(FrontDoor door)
{
    [Fact]
    public async Task A_request_without_credentials_or_with_a_bad_key_is_401()
    {
        using var nobody = door.Client();
        var problem = await (await nobody.GetAsync("/api/actions")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("no credentials", problem.GetProperty("detail").GetString());

        using var forged = door.Client();
        forged.DefaultRequestHeaders.Add("X-Api-Key", door.Keys["admin"][..^4] + "AAAA");
        await (await forged.GetAsync("/api/actions")).ProblemAsync(HttpStatusCode.Unauthorized);

        using var unknown = door.Client();
        unknown.DefaultRequestHeaders.Add("X-Api-Key", "elk_nobody_c2VjcmV0");
        await (await unknown.GetAsync("/api/actions")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_client_without_the_routes_scope_is_403()
    {
        using var intake = door.Client("intake");
        var problem = await (await intake.GetAsync("/api/actions")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("actions:read", problem.GetProperty("detail").GetString());

        using var reader = door.Client("smyrna-reader");
        await (await reader.PostJsonAsync("/api/actions", Requests.Action(FrontDoor.Smyrna))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.PutAsync("/api/policies/overtime", new StringContent("{}"))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await reader.GetAsync("/api/audit/verify")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Another_sites_record_is_not_found_and_left_out_of_lists()
    {
        using var planner = door.Client("dayton-planner");
        var created = await (await planner.PostJsonAsync("/api/actions", Requests.Action(FrontDoor.Dayton, "Dayton-only action"))).JsonAsync(HttpStatusCode.Created);
        var actionId = created.GetProperty("actionId").GetGuid();

        using var smyrna = door.Client("smyrna-reader");
        var problem = await (await smyrna.GetAsync($"/api/actions/{actionId}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal($"No action {actionId}.", problem.GetProperty("detail").GetString());
        var missing = await (await smyrna.GetAsync($"/api/actions/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(problem.GetProperty("title").GetString(), missing.GetProperty("title").GetString());
        await (await smyrna.GetAsync($"/api/actions/{actionId}/risk")).ProblemAsync(HttpStatusCode.NotFound);
        var list = await (await smyrna.GetAsync("/api/actions?limit=1000")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(list.EnumerateArray(), a => a.GetProperty("actionId").GetGuid() == actionId);

        using var admin = door.Client("admin");
        var all = await (await admin.GetAsync("/api/actions?limit=1000")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(all.EnumerateArray(), a => a.GetProperty("actionId").GetGuid() == actionId);
        // Writing is refused the same way: planner of Dayton cannot create at Smyrna.
        await (await planner.PostJsonAsync("/api/actions", Requests.Action(FrontDoor.Smyrna))).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_spoofed_actor_header_is_ignored_and_the_key_holder_is_recorded()
    {
        using var planner = door.Client("dayton-planner");
        planner.DefaultRequestHeaders.Add("X-Actor", "dana.director");
        planner.DefaultRequestHeaders.Add("X-Sites", "*");
        planner.DefaultRequestHeaders.Add("X-Scopes", "admin");
        var created = await (await planner.PostJsonAsync("/api/actions", Requests.Action(FrontDoor.Dayton, "Who asked?"))).JsonAsync(HttpStatusCode.Created);
        var actionId = created.GetProperty("actionId").GetGuid();

        using var admin = door.Client("admin");
        var action = await (await admin.GetAsync($"/api/actions/{actionId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("paula.planner", action.GetProperty("history")[0].GetProperty("actor").GetString());
        // The spoofed sites did not widen what the planner sees either.
        await (await planner.GetAsync($"/api/exceptions?site={FrontDoor.Smyrna}")).JsonAsync(HttpStatusCode.OK)
            .ContinueWith(t => Assert.Equal(0, t.Result.GetArrayLength()));
    }

    [Fact]
    public async Task A_person_with_a_valid_jwt_gets_in_and_an_expired_or_forged_one_does_not()
    {
        using var person = door.Client();
        person.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FrontDoor.Jwt("pat.plant", "actions:read actions:write", FrontDoor.Dayton));
        await (await person.GetAsync("/api/actions")).JsonAsync(HttpStatusCode.OK);
        var created = await (await person.PostJsonAsync("/api/actions", Requests.Action(FrontDoor.Dayton, "From a person"))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("pat.plant", created.GetProperty("state").GetProperty("sourceReference").GetString());
        await (await person.PostJsonAsync("/api/actions", Requests.Action(FrontDoor.Smyrna))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await person.GetAsync("/api/audit/verify")).ProblemAsync(HttpStatusCode.Forbidden);

        using var signedByProvider = door.Client();
        signedByProvider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            FrontDoor.Jwt("pat.plant", "actions:read", FrontDoor.Dayton, rsa: FrontDoor.IdentityProvider));
        await (await signedByProvider.GetAsync("/api/actions")).JsonAsync(HttpStatusCode.OK);

        using var otherProvider = System.Security.Cryptography.RSA.Create(2048);
        foreach (var (token, why) in new[]
        {
            (FrontDoor.Jwt("pat.plant", "actions:read", "*", rsa: otherProvider), "signature"),
            (FrontDoor.Jwt("pat.plant", "actions:read", "*", expires: DateTime.UtcNow.AddMinutes(-5)), "expired"),
            (FrontDoor.Jwt("pat.plant", "actions:read", "*", secret: "someone-elses-secret-0123456789-abcdefgh"), "signature"),
            (FrontDoor.Jwt("pat.plant", "actions:read", "*", audience: "another-app"), "audience"),
        })
        {
            using var bad = door.Client();
            bad.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var problem = await (await bad.GetAsync("/api/actions")).ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains(why, problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task An_intake_client_of_one_site_cannot_report_for_another()
    {
        using var admin = door.Client("admin");
        var events = new[]
        {
            new { specversion = "1.0", id = $"kpi-{Guid.NewGuid():N}", source = "mes-qc", type = "KpiMeasured", site = FrontDoor.Dayton, subject = "kpi/scrap-rate",
                time = DateTimeOffset.UtcNow, data = new { kpi = "scrap-rate", value = 3.1m, unit = "%", measuredAt = DateTimeOffset.UtcNow } },
        };
        using var person = door.Client();
        person.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FrontDoor.Jwt("mes-bridge", "events:write", FrontDoor.Smyrna));
        var answer = await (await person.PostJsonAsync("/api/events", events)).JsonAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1, answer.GetProperty("rejected").GetInt32());
        Assert.Equal("Site not allowed", answer.GetProperty("results")[0].GetProperty("problem").GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_auditor_sees_only_the_ledger_entries_of_their_sites()
    {
        using var planner = door.Client("dayton-planner");
        var created = await (await planner.PostJsonAsync("/api/actions", Requests.Action(FrontDoor.Dayton, "Audited in Dayton"))).JsonAsync(HttpStatusCode.Created);
        var subject = $"action/{created.GetProperty("actionId").GetGuid()}";

        using var dayton = door.Client("dayton-auditor");
        var seen = 0;
        await Testing.Eventually.TrueAsync(async () =>
            (seen = (await (await dayton.GetAsync($"/api/audit/entries?subject={subject}")).JsonAsync(HttpStatusCode.OK)).GetProperty("entries").GetArrayLength()) > 0,
            "the action's creation in the ledger", TimeSpan.FromSeconds(20));

        using var smyrna = door.Client("smyrna-auditor");
        var entries = await (await smyrna.GetAsync($"/api/audit/entries?subject={subject}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, entries.GetProperty("entries").GetArrayLength());
        await (await smyrna.GetAsync($"/api/audit/timeline?subject={subject}")).ProblemAsync(HttpStatusCode.NotFound);
        var timeline = await (await dayton.GetAsync($"/api/audit/timeline?subject={subject}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(seen, timeline.GetProperty("entries").GetArrayLength());
    }
}
