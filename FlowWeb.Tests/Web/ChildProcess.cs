using System.Diagnostics;
using System.Text;

namespace FlowWeb.Tests.Web;

/// <summary>
/// A process this test started, with its output kept for failure messages. Only this process (and, for build
/// tools, the children it started) is ever killed, by its own handle.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> in <paramref name="workingDirectory"/> with exactly
    /// <paramref name="environment"/> (nothing inherited), like a container would.
    /// </summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var child = new ChildProcess(new Process { StartInfo = info });
        child._process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        child._process.Start();
        child._process.StandardInput.Close();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs to completion within <paramref name="timeout"/>; returns the exit code (killing the process tree it started on timeout).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment, TimeSpan timeout)
    {
        using var child = Start(fileName, arguments, workingDirectory, environment);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await child._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            child._process.Kill(entireProcessTree: true);
            return (-1, $"{child.Output}\n(killed after {timeout.TotalSeconds} s)");
        }

        return (child._process.ExitCode, child.Output);
    }

    /// <summary>Kills this process (not its tree: a web app starts none) if it still runs.</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
