using System.Diagnostics;
using System.Globalization;
using System.Net;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Benchmarks;

/// <summary>
/// The flow indicators over a month of a three-site plant (November 2026): per site and day 180 sales orders, each made by two
/// production orders of three routing steps on 60 work centers, with their plans and actual starts and finishes; ten cases and five
/// grants a site a day. The month is COPY-loaded into the flow tables (the intake's path is measured by the exceptions suite); what is
/// measured is <c>GET /metrics/flow</c> through the service, against one plain aggregate over the same month's steps in the same run.
/// </summary>
internal sealed class FlowBenchmark(string connectionString, bool quick)
{
    private const int WorkCenters = 60;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly DateTimeOffset November = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task RunAsync()
    {
        var perDay = quick ? 30 : 180;
        await using var vhost = new FreshVirtualHost();
        await vhost.InitializeAsync();
        await using var factory = ExceptionsBenchmark.Service(connectionString, vhost);
        await using var audit = await new BusProbe(vhost.Settings).Discard<ExecutionLayer.Contracts.Audit.DomainEventsRecorded>().StartAsync();
        using var client = factory.CreateDefaultClient(new GatewaySigningHandler());
        var store = factory.Services.GetRequiredService<ServiceStore>();

        var watch = Stopwatch.StartNew();
        var month = Month.Generate(perDay, new Random(25));
        await month.LoadAsync(store.DataSource, store.Schema);
        Console.WriteLine(string.Create(Invariant,
            $"Flow — a month of 3 sites: {month.SalesOrders.Count:N0} sales orders, {month.ProductionOrders.Count:N0} production orders, {month.Operations.Count:N0} routing steps, " +
            $"{month.Cases.Count:N0} cases, {month.Approvals.Count:N0} grants; generated and COPY-loaded in {watch.Elapsed.TotalSeconds:F0} s"));

        var queries = quick ? 40 : 100;
        var period = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
        foreach (var path in new[] { $"/metrics/flow?{period}", $"/metrics/flow?groupBy=workCenter&{period}", $"/metrics/flow?groupBy=workCenter&site=OH-DAYTON&{period}" })
            await client.GetAsync(path); // warm: plans cached, pages read once
        var raw = await TimeAsync(queries, async () =>
        {
            // The month's steps read once and aggregated: what any answer over them costs at least.
            await using var command = store.DataSource.CreateCommand($"""
                SELECT site, count(*), avg(extract(epoch FROM completed_at - started_at)::float8) FROM {store.Schema}.flow_operations
                WHERE planned_finish >= $1 AND planned_finish < $2 GROUP BY site
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = November.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = November.AddMonths(1).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) { }
        });
        Report("raw: one aggregate over the month's routing steps, by site", raw, null, raw);
        foreach (var (name, path) in new[]
        {
            ("flow indicators, every site (8 indicators × 3 sites)", $"/metrics/flow?{period}"),
            ("flow indicators by work center, every site (180 work centers)", $"/metrics/flow?groupBy=workCenter&{period}"),
            ("flow indicators by work center, one site", $"/metrics/flow?groupBy=workCenter&site=OH-DAYTON&{period}"),
        })
        {
            var times = await TimeAsync(queries, async () =>
            {
                using var response = await client.GetAsync(path);
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
                await response.Content.ReadAsByteArrayAsync();
            });
            Report(name, times, 500, raw);
        }
    }

    private static async Task<List<double>> TimeAsync(int count, Func<Task> query)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            await query();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static void Report(string name, List<double> ms, double? targetP99, List<double> raw)
    {
        var (p50, p99) = (Percentiles.Of(ms, 50), Percentiles.Of(ms, 99));
        var target = targetP99 is { } t ? $"target p99 < {t:N0} ms{(p99 < t ? "" : "  MISSED")}" : "";
        Console.WriteLine(string.Create(Invariant,
            $"  {name,-66} p50 {p50,7:F1} ms   p99 {p99,7:F1} ms   p50 {p50 / Percentiles.Of(raw, 50),5:F1}× raw   {target}"));
    }

    private sealed record SalesOrder(string Id, string Site, DateTimeOffset ConfirmedAt)
    {
        public DateTimeOffset? FirstReleasedAt { get; set; }
    }

    private sealed record ProductionOrder(string Id, string Site, string? SalesOrderId, string WorkCenter, DateTimeOffset ReleasedAt)
    {
        public DateTimeOffset? FirstStartedAt { get; set; }
    }

    /// <param name="PreviousStep">With <paramref name="PreviousCompletedAt"/>, what the intake keeps beside each step (see FlowFacts).</param>
    private sealed record Operation(string Order, int Step, string Site, string WorkCenter, DateTimeOffset PlannedStart, DateTimeOffset PlannedFinish,
        DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, int? PreviousStep, DateTimeOffset? PreviousCompletedAt);

    private sealed record Case(Guid Id, string Site, string Kind, DateTimeOffset OpenedAt, DateTimeOffset? RaisedAt, DateTimeOffset? PropagatedAt, DateTimeOffset? NotifiedAt,
        DateTimeOffset? RespondedAt);

    private sealed record Grant(Guid Id, string Site, string SubjectType, DateTimeOffset GrantedAt);

    private sealed record Month(List<SalesOrder> SalesOrders, List<ProductionOrder> ProductionOrders, List<Operation> Operations, List<Case> Cases, List<Grant> Approvals)
    {
        public static Month Generate(int perDay, Random random)
        {
            var month = new Month([], [], [], [], []);
            TimeSpan Hours(double from, double to) => TimeSpan.FromHours(from + random.NextDouble() * (to - from));
            foreach (var site in ExecutionLayer.PlantData.PlantScale.ThreeSites)
                for (var day = 0; day < 30; day++)
                {
                    var morning = November.AddDays(day);
                    for (var i = 0; i < perDay; i++)
                    {
                        var so = new SalesOrder($"SO-{site}-{day}-{i}", site, morning + Hours(0, 24));
                        month.SalesOrders.Add(so);
                        for (var p = 0; p < 2; p++)
                        {
                            if (random.NextDouble() < 0.03) continue; // not released yet
                            var released = so.ConfirmedAt + Hours(0.5, 36);
                            var order = new ProductionOrder($"PR-{so.Id}-{p}", site, so.Id, $"WC-{random.Next(WorkCenters)}", released);
                            month.ProductionOrders.Add(order);
                            so.FirstReleasedAt = so.FirstReleasedAt is { } first && first < released ? first : released;
                            var (planned, ready) = (released + Hours(1, 8), (DateTimeOffset?)null);
                            for (var step = 1; step <= 3; step++)
                            {
                                var duration = Hours(1, 4);
                                DateTimeOffset? started = ready is null && step > 1 || random.NextDouble() < 0.02 ? null
                                    : Later(planned + Hours(-0.5, 3), ready) + (ready is null ? TimeSpan.Zero : Hours(0, 6));
                                DateTimeOffset? completed = started + duration * (0.8 + random.NextDouble() * 0.7);
                                month.Operations.Add(new Operation(order.Id, step * 10, site, step == 1 ? order.WorkCenter : $"WC-{random.Next(WorkCenters)}",
                                    planned, planned + duration, started, completed, step == 1 ? null : step * 10 - 10, ready));
                                if (step == 1) order.FirstStartedAt = started;
                                (planned, ready) = (planned + duration + TimeSpan.FromHours(1), completed);
                            }
                        }
                    }
                    for (var c = 0; c < 10; c++)
                    {
                        var opened = morning + Hours(0, 24);
                        var hold = random.NextDouble() < 0.3;
                        month.Cases.Add(new Case(Guid.NewGuid(), site, hold ? "QualityHold" : "MachineDown", opened, hold ? opened.AddSeconds(-1) : null,
                            hold ? opened.AddMilliseconds(200) : null, opened.AddSeconds(1 + random.Next(10)), random.NextDouble() < 0.1 ? null : opened + Hours(0.2, 8)));
                    }
                    for (var g = 0; g < 5; g++)
                    {
                        var roll = random.NextDouble();
                        month.Approvals.Add(new Grant(Guid.NewGuid(), site, roll < 0.4 ? "overtime" : roll < 0.7 ? "expedite" : "purchase-order", morning + Hours(0, 24)));
                    }
                }
            return month;
        }

        private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;

        public async Task LoadAsync(NpgsqlDataSource db, string s)
        {
            await using var connection = await db.OpenConnectionAsync();
            await CopyAsync(connection, $"COPY {s}.flow_sales_orders (sales_order_id, site, confirmed_at, first_released_at) FROM STDIN (FORMAT BINARY)", SalesOrders,
                (w, r) => Row(w, r.Id, r.Site, r.ConfirmedAt, r.FirstReleasedAt));
            await CopyAsync(connection, $"COPY {s}.flow_production_orders (production_order_id, site, sales_order_id, work_center, released_at, first_started_at) FROM STDIN (FORMAT BINARY)",
                ProductionOrders, (w, r) => Row(w, r.Id, r.Site, r.SalesOrderId, r.WorkCenter, r.ReleasedAt, r.FirstStartedAt));
            await CopyAsync(connection, $"""
                COPY {s}.flow_operations (production_order_id, step, site, work_center, planned_start, planned_finish, started_at, completed_at,
                    previous_step, previous_completed_at) FROM STDIN (FORMAT BINARY)
                """, Operations, (w, r) => Row(w, r.Order, r.Step, r.Site, r.WorkCenter, r.PlannedStart, r.PlannedFinish, r.StartedAt, r.CompletedAt,
                    r.PreviousStep, r.PreviousCompletedAt));
            await CopyAsync(connection, $"""
                COPY {s}.flow_cases (case_id, site, kind, opened_at, raised_at, propagated_at, asked, notified_at, awaited, responded_at) FROM STDIN (FORMAT BINARY)
                """, Cases, (w, r) => Row(w, r.Id, r.Site, r.Kind, r.OpenedAt, r.RaisedAt, r.PropagatedAt, 3, r.NotifiedAt, 3, r.RespondedAt));
            await CopyAsync(connection, $"COPY {s}.flow_approvals (approval_id, site, subject_type, granted_at) FROM STDIN (FORMAT BINARY)", Approvals,
                (w, r) => Row(w, r.Id, r.Site, r.SubjectType, r.GrantedAt));
            await using var analyze = new NpgsqlCommand("ANALYZE", connection);
            await analyze.ExecuteNonQueryAsync();
        }

        private static async Task Row(NpgsqlBinaryImporter w, params object?[] values)
        {
            await w.StartRowAsync();
            foreach (var value in values)
                switch (value)
                {
                    case null: await w.WriteNullAsync(); break;
                    case DateTimeOffset at: await w.WriteAsync(at.UtcDateTime, NpgsqlDbType.TimestampTz); break;
                    case int n: await w.WriteAsync(n, NpgsqlDbType.Integer); break;
                    case Guid id: await w.WriteAsync(id, NpgsqlDbType.Uuid); break;
                    default: await w.WriteAsync((string)value, NpgsqlDbType.Text); break;
                }
        }

        private static async Task CopyAsync<T>(NpgsqlConnection connection, string copy, IEnumerable<T> rows, Func<NpgsqlBinaryImporter, T, Task> write)
        {
            await using var importer = await connection.BeginBinaryImportAsync(copy);
            foreach (var row in rows) await write(importer, row);
            await importer.CompleteAsync();
        }
    }
}
