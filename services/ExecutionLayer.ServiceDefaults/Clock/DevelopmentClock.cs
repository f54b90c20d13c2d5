using ExecutionLayer.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.ServiceDefaults.Clock;

/// <summary>The body of <c>POST /dev/clock</c>: an instant to move to, or a span to move by.</summary>
public sealed record MoveClock(DateTimeOffset? To = null, TimeSpan? By = null);

/// <summary>
/// <c>Development:ShiftableClock=true</c> gives a development process a <see cref="ShiftableClock"/> and
/// <c>GET|POST /dev/clock</c> (admin only) to read and move it. Anywhere but Development the setting stops
/// the start: a production clock is never movable.
/// </summary>
public static class DevelopmentClock
{
    public const string Setting = "Development:ShiftableClock";

    /// <summary>Where the clock keeps its offset across restarts (infra/run.sh gives each service one); unset, a restart is back at wall time.</summary>
    public const string FileSetting = "Development:ClockFile";

    public static TimeProvider For(IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<bool>(Setting)) return TimeProvider.System;
        if (!builder.Environment.IsDevelopment())
            throw new InvalidOperationException($"{Setting} is for development runs only (the environment is {builder.Environment.EnvironmentName}).");
        var file = builder.Configuration[FileSetting];
        return new ShiftableClock(TimeProvider.System, string.IsNullOrWhiteSpace(file) ? null : file);
    }

    public static IEndpointRouteBuilder MapDevelopmentClock(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<TimeProvider>() is not ShiftableClock) return app;
        // Every service has one; the gateway publishes each at /api/dev/{service}/clock, so each operation is named for its service.
        var service = app.ServiceProvider.GetRequiredService<IHostEnvironment>().ApplicationName.Split('.')[^1];
        var clock = app.MapGroup("/dev/clock").WithTags("Development");
        clock.MapGet("", Read).Describe($"Get{service}Clock", $"Read the {service.ToLowerInvariant()} service's development clock (admin)")
            .Problems(StatusCodes.Status403Forbidden);
        clock.MapPost("", Move).Describe($"Move{service}Clock", $"Move the {service.ToLowerInvariant()} service's development clock forward (admin)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        return app;
    }

    public static Results<Ok<ClockReading>, ProblemHttpResult> Read(Caller caller, TimeProvider time) =>
        !caller.Has(Caller.AdminScope) ? Refused() : TypedResults.Ok(ClockReading.Of((ShiftableClock)time));

    public static Results<Ok<ClockReading>, ValidationProblem, ProblemHttpResult> Move(MoveClock body, Caller caller, TimeProvider time)
    {
        if (!caller.Has(Caller.AdminScope)) return Refused();
        var clock = (ShiftableClock)time;
        if (body.To is null == body.By is null) return Problem.Invalid("to", "Give either 'to' (an instant) or 'by' (a duration).");
        var to = body.To ?? clock.GetUtcNow() + body.By!.Value;
        return clock.TryMoveTo(to) ? TypedResults.Ok(ClockReading.Of(clock))
            : Problem.Of(StatusCodes.Status409Conflict, "The clock only moves forward", $"It reads {clock.GetUtcNow():O}; {to:O} is in its past.");
    }

    private static ProblemHttpResult Refused() => Problem.Forbidden("Moving the development clock needs the admin scope.");
}

/// <summary>What the clock reads now, and how far it has been moved from wall time, to the second.</summary>
public sealed record ClockReading(DateTimeOffset Now, TimeSpan Offset)
{
    // A move 'to' an instant leaves an offset with a fraction of a second, and a JSON Schema duration
    // (RFC 3339, appendix A) has no fractions: the reading says the whole seconds, which is all it is for.
    public static ClockReading Of(ShiftableClock clock) =>
        new(clock.GetUtcNow(), TimeSpan.FromSeconds(Math.Floor(clock.Offset.TotalSeconds)));
}
