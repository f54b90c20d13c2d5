namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>One system and one played day for every end-to-end test class: starting five processes is the expensive part.</summary>
[CollectionDefinition(Name)]
public sealed class PlantDayCollection : ICollectionFixture<PlantDayRun>
{
    public const string Name = "the plant's day";
}
