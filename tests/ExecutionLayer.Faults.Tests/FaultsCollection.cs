// One broken system at a time: the faults share servers they crash and restart.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ExecutionLayer.Faults.Tests;

[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<FaultyPlant>
{
    public const string Name = "faults";
}
