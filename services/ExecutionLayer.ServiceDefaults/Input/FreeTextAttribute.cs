using System.ComponentModel.DataAnnotations;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// A field of prose — a reason, a comment, a note — allowed <see cref="InputPolicy.FreeTextMax"/>
/// characters. A <see cref="MaxLengthAttribute"/>, so the API description shows the same maximum the
/// input policy enforces.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class FreeTextAttribute() : MaxLengthAttribute(InputPolicy.FreeTextMax);
