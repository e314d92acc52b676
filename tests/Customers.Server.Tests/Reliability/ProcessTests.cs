namespace Customers.Server.Tests.Reliability;

/// <summary>
/// Tests that run the service as a process under load or signals: they run alone, after the
/// parallel tests, so that their figures (latency, memory) are not other tests' noise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTests
{
    public const string Name = "Service processes under load";
}
