using System.CommandLine;
using ExecutionLayer.Harness;
using ExecutionLayer.Load;
using ExecutionLayer.Load.Driving;

// el-load: starts the system as processes (its own database and vhost on the servers infra/env.sh names),
// plays a generated three-site plant day through the gateway at --rate operations/s until --count or
// --duration runs out, then reconciles every store with what the clients were told. Exit 0 only if it holds.
var rate = new Option<double>("--rate") { Description = "Operations started per second.", DefaultValueFactory = _ => 40 };
var count = new Option<int>("--count") { Description = "At most this many operations.", DefaultValueFactory = _ => 2400 };
var duration = new Option<int>("--duration") { Description = "At most this many seconds of load.", DefaultValueFactory = _ => 60 };
var instances = new Option<int>("--instances") { Description = "Processes per service behind the gateway.", DefaultValueFactory = _ => 1 };
var seed = new Option<int>("--seed") { Description = "Chooses the day's mix.", DefaultValueFactory = _ => 1 };
var profile = new Option<bool>("--profile") { Description = "Say where the time went during the intake ceiling: CPU per process, PostgreSQL's waits by service." };
var root = new RootCommand("Load, then reconcile: nothing accepted may be lost or applied twice.") { rate, count, duration, instances, seed, profile };
root.SetAction(async (parsed, ct) =>
{
    var plan = new LoadPlan(parsed.GetValue(rate), parsed.GetValue(count), TimeSpan.FromSeconds(parsed.GetValue(duration)));
    await using var system = new RunningSystem(new SystemShape(parsed.GetValue(instances), ShiftableClock: false));
    Console.WriteLine($"starting the system ({parsed.GetValue(instances)} instance(s) per service) …");
    await system.InitializeAsync();
    await using var run = await LoadRun.StartAsync(system, parsed.GetValue(seed), ct);
    Console.WriteLine($"run {run.Run}: {plan.Rate} ops/s, at most {plan.Count} operations or {plan.Duration.TotalSeconds:0} s");
    var outcome = await run.DriveAsync(plan, ct);
    var memory = system.PeakMemory();
    Console.WriteLine("reconciling …");
    var report = await run.ReconcileAsync(TimeSpan.FromMinutes(3), ct);
    var saturation = await Saturation.MeasureAsync(system, run, TimeSpan.FromSeconds(10), ct, parsed.GetValue(profile));
    LoadReport.Print(Console.Out, plan, outcome, run, memory, report, saturation);
    return report.Holds && outcome.Failures.Count == 0 ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
