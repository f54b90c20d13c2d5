using Microsoft.AspNetCore.Http;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>
/// A request body in which a client may name the person it acts for. Only the person's identity travels
/// in the body; who sent it is always the caller the gateway signed.
/// </summary>
public interface IMayActOnBehalf
{
    string? OnBehalfOf { get; }
}

/// <summary>
/// The one place <c>onBehalfOf</c> is judged, for every endpoint of a service's API: a body naming
/// someone other than the caller is 403 unless the caller holds <see cref="Caller.ActOnBehalfScope"/>;
/// when it does, the endpoint's <see cref="Caller"/> becomes the caller acting for that person, so every
/// event it writes records both.
/// </summary>
public sealed class ActingOnBehalfFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.Arguments.OfType<IMayActOnBehalf>().FirstOrDefault() is not { OnBehalfOf: { } named }) return await next(context);
        if (context.HttpContext.Features.Get<Caller>() is not { } caller) return await next(context);
        if (caller.ActingFor(named) is not { } acting)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed to act for someone else",
                detail: $"{caller.Actor} may not act on behalf of '{named}': only a client holding the {Caller.ActOnBehalfScope} scope may name another person.",
                extensions: new Dictionary<string, object?> { ["rule"] = "act-on-behalf" });

        context.HttpContext.Features.Set(acting);
        for (var i = 0; i < context.Arguments.Count; i++)
            if (context.Arguments[i] is Caller) context.Arguments[i] = acting;
        return await next(context);
    }
}
