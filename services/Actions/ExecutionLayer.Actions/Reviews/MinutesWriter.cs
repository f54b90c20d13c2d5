using System.Globalization;
using System.Text;

namespace ExecutionLayer.Actions.Reviews;

/// <summary>The minutes of a review as data and as Markdown, from the review and its actions' status at the close.</summary>
public static class MinutesWriter
{
    public static Minutes Write(Review review, IReadOnlyDictionary<Guid, AgendaAction> actionsNow, DateTimeOffset closedAt, TimeZoneInfo zone)
    {
        AgendaAction Now(AgendaAction a) => actionsNow.GetValueOrDefault(a.ActionId, a);
        var carried = review.CarriedOver.Select(Now).ToArray();
        var created = review.Decisions.Select(d => actionsNow.GetValueOrDefault(d.ActionId, new AgendaAction(d.ActionId, d.Text, d.Owner, d.Due, Items.ActionStatus.Open))).ToArray();
        var minutes = new Minutes(review.Id, review.Kind, review.Site, review.Title, review.OpenedAt, closedAt, review.Attendees, review.Kpis, review.Decisions,
            created, carried, "", zone.Id, review.RedObjectives ?? []);
        return minutes with { Markdown = Markdown(minutes, zone) };
    }

    public static string Markdown(Minutes m, TimeZoneInfo zone)
    {
        DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone);
        var md = new StringBuilder();
        var utc = zone == TimeZoneInfo.Utc || zone.Id == "UTC";
        md.AppendLine(Inv($"# {m.Title}"))
            .AppendLine()
            .AppendLine(utc ? Inv($"{m.Kind} review at {m.Site}, {m.OpenedAt:yyyy-MM-dd HH:mm} to {m.ClosedAt:yyyy-MM-dd HH:mm} UTC.")
                : Inv($"{m.Kind} review at {m.Site}, {Local(m.OpenedAt):yyyy-MM-dd HH:mm} to {Local(m.ClosedAt):yyyy-MM-dd HH:mm} {zone.Id} ({m.OpenedAt:yyyy-MM-dd HH:mm} to {m.ClosedAt:yyyy-MM-dd HH:mm} UTC)."))
            .AppendLine()
            .AppendLine("## Attendees")
            .AppendLine();
        foreach (var a in m.Attendees) md.AppendLine(Inv($"- {a}"));

        if (m.RedObjectives is { Count: > 0 } red)
        {
            md.AppendLine().AppendLine("## Objectives in red").AppendLine();
            foreach (var o in red)
                md.AppendLine(Inv($"- {Cell(o.Name)} ({o.ObjectiveId}): score {(o.Score is { } score ? score.ToString("0.00", CultureInfo.InvariantCulture) : "none")}{(o.Flags.Count > 0 ? $" — {string.Join(", ", o.Flags)}" : "")}"));
        }

        md.AppendLine().AppendLine("## KPIs reviewed").AppendLine();
        if (m.KpisReviewed.Count == 0) md.AppendLine("No KPI was red or amber.");
        else
        {
            md.AppendLine("| KPI | Latest | Target | Status | Trend |").AppendLine("|---|---|---|---|---|");
            foreach (var k in m.KpisReviewed)
                md.AppendLine(Inv($"| {Cell(k.Name)} ({k.Kpi}) | {(k.Latest is { } v ? $"{v} {k.Unit}" : "none")} | {k.Target} {k.Unit} | {k.Status} | {k.Trend} |"));
        }

        md.AppendLine().AppendLine("## Decisions").AppendLine();
        if (m.Decisions.Count == 0) md.AppendLine("No decision was recorded.");
        foreach (var d in m.Decisions) md.AppendLine(Inv($"- {d.Text} — action {d.ActionId} for {d.Owner}, due {Local(d.Due):yyyy-MM-dd}"));

        Table(md, "New actions", m.NewActions, zone);
        Table(md, "Carried-over actions", m.CarriedOver, zone);
        return md.ToString();
    }

    private static void Table(StringBuilder md, string heading, IReadOnlyList<AgendaAction> actions, TimeZoneInfo zone)
    {
        md.AppendLine().AppendLine(Inv($"## {heading}")).AppendLine();
        if (actions.Count == 0)
        {
            md.AppendLine("None.");
            return;
        }
        md.AppendLine("| Action | Owner | Due | Status |").AppendLine("|---|---|---|---|");
        foreach (var a in actions) md.AppendLine(Inv($"| {Cell(a.Title)} ({a.ActionId}) | {Cell(a.Owner)} | {TimeZoneInfo.ConvertTime(a.Due, zone):yyyy-MM-dd} | {a.Status} |"));
    }

    /// <summary>A pipe or a line break in a title would end a table cell early.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
