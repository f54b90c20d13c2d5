using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// The input policy for what is not a body: every query parameter (name and values) and every route
/// value is checked before the endpoint runs, so a NUL or an over-long id is a 400 naming the parameter
/// instead of reaching SQL. A parameter is a name or id (<see cref="InputPolicy.NameMax"/>) unless its
/// endpoint declares more with <see cref="ParameterLimitExtensions.WithParameterLimit{TBuilder}"/>.
/// </summary>
internal sealed class ParameterInputMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (Refusal(context) is { } refusal)
        {
            var problem = refusal.ToProblem();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
            return;
        }
        await next(context);
    }

    private static InputRefusal? Refusal(HttpContext context)
    {
        var limits = context.GetEndpoint()?.Metadata.GetOrderedMetadata<ParameterLimit>() ?? [];
        int Max(string name) => limits.FirstOrDefault(l => string.Equals(l.Parameter, name, StringComparison.OrdinalIgnoreCase))?.Max ?? InputPolicy.NameMax;

        if (InputPolicy.Check(context.Request.Path.Value ?? "", int.MaxValue) is { } inPath) return new("path", inPath);
        foreach (var (name, value) in context.Request.RouteValues)
            if (value is string text && InputPolicy.Check(text, Max(name)) is { } bad) return new(name, bad);
        foreach (var (name, values) in context.Request.Query)
        {
            if (InputPolicy.Check(name, InputPolicy.NameMax) is { } badName) return new(name, badName with { Message = $"The parameter's name: {badName.Message}" });
            foreach (var value in values)
                if (value is not null && InputPolicy.Check(value, Max(name)) is { } bad) return new(name, bad);
        }
        return null;
    }
}

/// <summary>Endpoint metadata: this route or query parameter may be longer than a name (a signed token, a subject reference).</summary>
public sealed record ParameterLimit(string Parameter, int Max);

public static class ParameterLimitExtensions
{
    public static TBuilder WithParameterLimit<TBuilder>(this TBuilder builder, string parameter, int max) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ParameterLimit(parameter, max));

    /// <summary>The input policy for query parameters and route values; after routing, so each endpoint's declared limits apply.</summary>
    public static WebApplication UseParameterInputPolicy(this WebApplication app)
    {
        app.UseMiddleware<ParameterInputMiddleware>();
        return app;
    }
}
