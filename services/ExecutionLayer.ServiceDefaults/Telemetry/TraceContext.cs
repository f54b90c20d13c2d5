using System.Diagnostics;

namespace ExecutionLayer.ServiceDefaults.Telemetry;

/// <summary>
/// Carries a W3C trace across the places a request's work leaves its thread: an event stored now and
/// published later by the outbox, a message consumed by another service, a fact handled by a
/// projection. The trace parent travels with the event (and in a message header), and the work done
/// on its behalf continues the same trace.
/// </summary>
public static class TraceContext
{
    public static readonly ActivitySource Source = new("ExecutionLayer.Events");

    /// <summary>The current activity as a W3C traceparent, or null outside any trace.</summary>
    public static string? CurrentParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>
    /// Starts an activity under <paramref name="traceParent"/> unless the current one is already in
    /// that trace. With no listener the activity is still created by hand: the trace id must reach the
    /// next append and the next message whether or not anyone exports spans.
    /// </summary>
    public static Activity? Continue(string? traceParent, string name, ActivityKind kind = ActivityKind.Internal)
    {
        if (traceParent is null || !ActivityContext.TryParse(traceParent, null, out var parent)) return null;
        if (Activity.Current is { } current && current.TraceId == parent.TraceId) return null;
        return Source.StartActivity(name, kind, parent) ?? new Activity(name).SetParentId(traceParent).Start();
    }
}
