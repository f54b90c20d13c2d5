using ExecutionLayer.Audit.Ledger;

namespace ExecutionLayer.Audit.Tests;

/// <summary>The canonical form anyone must be able to reproduce to recompute a hash.</summary>
public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData("""{ "b": 1, "a": [ true, null, "x" ] }""", """{"a":[true,null,"x"],"b":1}""")]
    [InlineData("""{"é":1,"z":2,"A":3,"a":{"y":1,"x":2}}""", """{"A":3,"a":{"x":2,"y":1},"z":2,"é":1}""")]
    [InlineData("\"tab\\there \\u00e9 \\u0001 \\/ \\\"\"", "\"tab\\there é \\u0001 / \\\"\"")]
    public void Documents_have_one_canonical_form(string json, string canonical) => Assert.Equal(canonical, CanonicalJson.Canonicalize(json));

    [Theory]
    [InlineData("1500", "1500")]
    [InlineData("1.50e3", "1500")]
    [InlineData("-0.0", "0")]
    [InlineData("1E-3", "0.001")]
    [InlineData("18000.00", "18000")]
    [InlineData("-12.3400e-2", "-0.1234")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("1e400", "1e400")]
    [InlineData("2.5e-100", "2.5e-100")]
    public void Numbers_are_exact_decimals_in_normal_form(string literal, string canonical) => Assert.Equal(canonical, CanonicalJson.Number(literal));

    [Fact]
    public void A_repeated_key_is_not_canonical() => Assert.Throws<FormatException>(() => CanonicalJson.Canonicalize("""{"a":1,"a":2}"""));

    [Fact]
    public void Not_json_is_refused() => Assert.Throws<FormatException>(() => CanonicalJson.Canonicalize("{nope"));

    [Fact]
    public void The_canonical_entry_writes_its_keys_in_code_unit_order()
    {
        var sorted = LedgerEntry.CanonicalKeyOrder.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(sorted, LedgerEntry.CanonicalKeyOrder);

        var entry = Feed.Entry(1) with { OnBehalfOf = "bea.buyer" };
        using var document = System.Text.Json.JsonDocument.Parse(entry.Canonical());
        Assert.Equal(LedgerEntry.CanonicalKeyOrder, document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(entry.Canonical(), CanonicalJson.Canonicalize(entry.Canonical()));
    }

    [Fact]
    public void An_entry_nobody_acted_for_is_canonical_without_the_on_behalf_key_so_entries_chained_before_it_still_verify()
    {
        var entry = Feed.Entry(1);
        using var document = System.Text.Json.JsonDocument.Parse(entry.Canonical());
        Assert.Equal(LedgerEntry.CanonicalKeyOrder.Where(k => k != "onBehalfOf"), document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.NotEqual(entry.Digest(), (entry with { OnBehalfOf = "bea.buyer" }).Digest());
    }

    [Fact]
    public void Times_are_utc_with_six_fractional_digits() =>
        Assert.Equal("2026-11-23T09:05:00.123456Z", CanonicalJson.Time(new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567)));
}
