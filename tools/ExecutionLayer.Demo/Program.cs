using System.CommandLine;
using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Demo.Bridge;
using ExecutionLayer.Demo.Narration;
using ExecutionLayer.Demo.Plant;
using Microsoft.Kiota.Abstractions;
using Spectre.Console;

// Plays DOMAIN.md's day at a plant through a running system's gateway (infra/run.sh --demo starts one
// and runs this), then asks the auditor's question and verifies the answer. Exit 0 only when the
// ledger, its completeness and the offline export check all verify.
static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

var gateway = new Option<string>("--gateway") { Description = "The gateway's base address", DefaultValueFactory = _ => Env("Services__gateway", "http://127.0.0.1:8080/").TrimEnd('/') };
var credentials = new Option<FileInfo>("--credentials") { Description = "The development API keys infra/run.sh printed (one 'id key' per line)", DefaultValueFactory = _ => new FileInfo(Env("EL_DEV_CREDENTIALS", ".data/dev-credentials.txt")) };
var jwtSecret = new Option<string>("--jwt-secret") { Description = "The HS256 secret the gateway accepts people's development tokens with", DefaultValueFactory = _ => Env("EL_DEV_JWT_SECRET", "") };
var jwtIssuer = new Option<string>("--jwt-issuer") { DefaultValueFactory = _ => Env("EL_DEV_JWT_ISSUER", "executionlayer-dev") };
var jwtAudience = new Option<string>("--jwt-audience") { DefaultValueFactory = _ => Env("EL_DEV_JWT_AUDIENCE", "executionlayer") };
var root = new RootCommand("Plays a plant's day through ExecutionLayer's public API and verifies the auditor's answer.") { gateway, credentials, jwtSecret, jwtIssuer, jwtAudience };
root.SetAction(async (parsed, ct) =>
{
    var console = AnsiConsole.Console;
    // Piped to a file or a CI log there is no terminal width to fit; the default 80 columns wraps every table.
    if (Console.IsOutputRedirected) console.Profile.Width = 140;
    var secret = parsed.GetValue(jwtSecret)!;
    if (secret.Length < 32)
    {
        console.MarkupLine("[red]No development token secret (--jwt-secret or EL_DEV_JWT_SECRET, from infra/env.sh).[/]");
        return 2;
    }
    DevelopmentCredentials keys;
    try { keys = DevelopmentCredentials.Read(parsed.GetValue(credentials)!.FullName); }
    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        console.MarkupLine($"[red]Cannot read the development API keys: {Markup.Escape(e.Message)}[/] (infra/run.sh makes them)");
        return 2;
    }

    using var http = new HttpClient { BaseAddress = new Uri(parsed.GetValue(gateway)!), Timeout = TimeSpan.FromSeconds(30) };
    var cast = new Cast(http, keys, new DevelopmentTokens(secret, parsed.GetValue(jwtIssuer)!, parsed.GetValue(jwtAudience)!));
    await using var bridge = await ApproverBridge.StartAsync();
    await using var erp = await ApproverBridge.StartAsync();
    var day = new PlantDay(cast, new PlantClock(cast.Admin), bridge, erp, new ConsoleNarrator(console));
    console.Write(new Rule("[bold]A day at the Dayton plant, through ExecutionLayer[/]"));
    try
    {
        var record = await day.PlayAsync(ct);
        var verified = PlantDay.Verified(record);
        console.WriteLine();
        console.Write(new Rule(verified ? "[green]The auditor's answer is complete and verified[/]" : "[red]The auditor's answer did not verify[/]"));
        return verified ? 0 : 1;
    }
    catch (ApiException e)
    {
        // A refusal of the generated client: the problem the gateway or a service answered with says why.
        var why = e is ProblemDetails problem ? $"{problem.Title}: {problem.Detail}" : e.Message;
        console.MarkupLine($"[red]The demo stopped: the gateway answered {e.ResponseStatusCode} — {Markup.Escape(why)}[/]");
        return 1;
    }
    catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
    {
        console.MarkupLine($"[red]The demo stopped: {Markup.Escape(e.Message)}[/]");
        return 1;
    }
});
// A development token for a person, for the console or curl: signed with the development secret, so only a development gateway takes it.
// By default what the console reads: cases and the graph, approvals, actions and KPIs, the ledger.
const string ConsoleScopes = "exceptions:read approvals:decide actions:read audit:read";
var person = new Option<string>("--person") { Description = "Who the token names (sub): the signed caller of everything done with it", Required = true };
var scopes = new Option<string>("--scopes") { Description = "Space-separated scopes", DefaultValueFactory = _ => ConsoleScopes };
var sites = new Option<string>("--sites") { Description = "Comma-separated sites, or * for every site", DefaultValueFactory = _ => "*" };
var token = new Command("token", "Print a development bearer token for a person (the console's sign-in in development)") { person, scopes, sites, jwtSecret, jwtIssuer, jwtAudience };
token.SetAction(parsed =>
{
    var secret = parsed.GetValue(jwtSecret)!;
    if (secret.Length < 32)
    {
        Console.Error.WriteLine("No development token secret (--jwt-secret or EL_DEV_JWT_SECRET, from infra/env.sh).");
        return 2;
    }
    Console.WriteLine(new DevelopmentTokens(secret, parsed.GetValue(jwtIssuer)!, parsed.GetValue(jwtAudience)!)
        .For(parsed.GetValue(person)!, parsed.GetValue(scopes)!.Split(' ', StringSplitOptions.RemoveEmptyEntries), parsed.GetValue(sites)!.Split(',', StringSplitOptions.RemoveEmptyEntries)));
    return 0;
});
root.Subcommands.Add(token);
return await root.Parse(args).InvokeAsync();

