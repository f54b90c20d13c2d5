// Each collection starts a whole system of five processes; two at once would starve each other on two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>One system and one played day for every end-to-end test class: starting five processes is the expensive part.</summary>
[CollectionDefinition(Name)]
public sealed class PlantDayCollection : ICollectionFixture<PlantDayRun>
{
    public const string Name = "the plant's day";
}
