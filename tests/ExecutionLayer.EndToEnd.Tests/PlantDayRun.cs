using ExecutionLayer.Demo.Api;
using ExecutionLayer.Demo.Bridge;
using ExecutionLayer.Demo.Plant;
using ExecutionLayer.EndToEnd.Tests.Contract;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The system started as separate processes, then DOMAIN.md's day played through its gateway once — by
/// the demo's own scenario, with a real webhook receiver as the approver bridge. The tests judge what
/// each step answered.
/// </summary>
public sealed class PlantDayRun : IAsyncLifetime
{
    private readonly RunningSystem _system = new();
    private readonly RecordingNarrator _narration = new();
    private HttpClient? _http;
    private ApproverBridge? _bridge;
    private ApproverBridge? _erp;

    public PlantDayRecord Day { get; private set; } = null!;

    public Cast Cast { get; private set; } = null!;

    public RunningSystem System => _system;

    /// <summary>The approver bridge the day's notices reached: tests that ask for more decisions click its links too.</summary>
    public ApproverBridge Bridge => _bridge!;

    /// <summary>Every answer the day and the tests were given through the gateway.</summary>
    public SeenAnswers Answers { get; } = new();

    public async Task InitializeAsync()
    {
        try
        {
            await StartAndPlayAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop the child processes here.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAndPlayAsync()
    {
        await _system.InitializeAsync();
        _http = new HttpClient(Answers) { BaseAddress = new Uri(_system.Gateway.BaseAddress), Timeout = TimeSpan.FromSeconds(30) };
        Cast = new Cast(_http, _system.Keys, _system.Tokens);
        _bridge = await ApproverBridge.StartAsync();
        _erp = await ApproverBridge.StartAsync();
        try
        {
            Day = await new PlantDay(Cast, new PlantClock(Cast.Admin), _bridge, _erp, _narration).PlayAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"The plant's day stopped: {e.Message}\n\nWhat happened until then:\n{_narration}\n\nThe processes' last output:\n{_system.Logs()}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_bridge is not null) await _bridge.DisposeAsync();
        if (_erp is not null) await _erp.DisposeAsync();
        _http?.Dispose();
        await _system.DisposeAsync();
    }
}
