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
public static class ActingOnBehalfFilter
{
    /// <summary>
    /// Judges <c>onBehalfOf</c> on the endpoints that take such a body, and only those. The acting caller
    /// replaces the handler's <see cref="Caller"/> argument and the request's caller feature; a services
    /// bundle bound with [AsParameters] is built before this runs, so it must read its caller from the
    /// request (<see cref="Caller.Of"/>) when it is used — one that takes a <see cref="Caller"/> in its
    /// constructor would act as the client, not the person, and stops the endpoint from being built.
    /// </summary>
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var parameters = factory.MethodInfo.GetParameters();
        if (!parameters.Any(p => typeof(IMayActOnBehalf).IsAssignableFrom(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType))) return next;
        foreach (var bundle in parameters.Where(p => p.GetCustomAttributes(typeof(AsParametersAttribute), false).Length > 0))
            if (bundle.ParameterType.GetConstructors().SelectMany(c => c.GetParameters()).Any(p => p.ParameterType == typeof(Caller)))
                throw new InvalidOperationException($"{factory.MethodInfo.DeclaringType?.Name}.{factory.MethodInfo.Name} takes a body that may act on behalf of someone, " +
                    $"and {bundle.ParameterType.Name} binds a Caller before that is judged: give it the HttpContext and read Caller.Of(http) instead.");
        return context => InvokeAsync(context, next);
    }

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
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
