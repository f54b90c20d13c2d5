using ExecutionLayer.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    public static TimeProvider For(IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<bool>(Setting)) return TimeProvider.System;
        if (!builder.Environment.IsDevelopment())
            throw new InvalidOperationException($"{Setting} is for development runs only (the environment is {builder.Environment.EnvironmentName}).");
        return new ShiftableClock(TimeProvider.System);
    }

    public static IEndpointRouteBuilder MapDevelopmentClock(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<TimeProvider>() is not ShiftableClock clock) return app;

        app.MapGet("/dev/clock", (Caller caller) => caller.Has(Caller.AdminScope) ? Results.Ok(Reading(clock)) : Refused())
            .ExcludeFromDescription();
        app.MapPost("/dev/clock", (MoveClock body, Caller caller) =>
        {
            if (!caller.Has(Caller.AdminScope)) return Refused();
            if (body.To is null == body.By is null)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["Give either 'to' (an instant) or 'by' (a duration)."] });
            var to = body.To ?? clock.GetUtcNow() + body.By!.Value;
            return clock.TryMoveTo(to)
                ? Results.Ok(Reading(clock))
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The clock only moves forward",
                    detail: $"It reads {clock.GetUtcNow():O}; {to:O} is in its past.");
        }).ExcludeFromDescription();
        return app;
    }

    private static object Reading(ShiftableClock clock) => new { now = clock.GetUtcNow(), offset = clock.Offset };

    private static IResult Refused() =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Moving the development clock needs the admin scope.");
}
