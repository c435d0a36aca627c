using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Notifications;

/// <summary>What the SMTP server received: the envelope, whether the session was encrypted and who authenticated, and the raw message.</summary>
internal sealed record ReceivedMail(string From, IReadOnlyList<string> To, bool Tls, string? User, string Raw)
{
    private MimeKit.MimeMessage Parsed => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Raw)));

    public string Subject => Parsed.Subject ?? "";

    public string Body => Parsed.TextBody ?? "";
}

/// <summary>
/// Debian's aiosmtpd (python3-aiosmtpd, installed by .ci/test) on 127.0.0.1 at a free port, with STARTTLS and
/// authentication required, under a self-signed certificate made here. Stopped by its own process handle.
/// </summary>
internal sealed class SmtpTestServer : IDisposable
{
    public const string User = "flowweb";
    public const string Password = "s3cret-smtp-pass";

    private readonly Process _process;
    private readonly string _directory;

    private SmtpTestServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SmtpTestServer> StartAsync()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || !Directory.Exists("/usr/lib/python3/dist-packages/aiosmtpd"))
        {
            throw new InvalidOperationException("aiosmtpd is not installed: apt-get install -y python3-aiosmtpd (.ci/test installs it).");
        }

        var directory = Directory.CreateTempSubdirectory("flowweb-smtp-").FullName;
        var mail = Directory.CreateDirectory(Path.Combine(directory, "mail")).FullName;
        WriteCertificate(directory);
        var script = Path.Combine(AppContext.BaseDirectory, "Notifications", "smtp_server.py");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = LoopbackPorts.FreeTcp();
            var info = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { script, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                         Path.Combine(directory, "cert.pem"), Path.Combine(directory, "key.pem"), mail, User, Password })
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info)!;
            var ready = process.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20))) == ready && await ready == "READY")
            {
                return new SmtpTestServer(process, directory, port);
            }

            var errors = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
            process.Kill();
            process.Dispose();
            if (attempt == 4)
            {
                throw new InvalidOperationException($"aiosmtpd did not start: {errors}");
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    public IReadOnlyList<ReceivedMail> Messages()
    {
        var mail = Path.Combine(_directory, "mail");
        return [.. Directory.GetFiles(mail, "*.json").Order(StringComparer.Ordinal).Select(json =>
        {
            using var meta = JsonDocument.Parse(File.ReadAllText(json));
            var root = meta.RootElement;
            return new ReceivedMail(root.GetProperty("from").GetString()!, [.. root.GetProperty("to").EnumerateArray().Select(t => t.GetString()!)],
                root.GetProperty("tls").GetBoolean(), root.GetProperty("user").GetString(), File.ReadAllText(Path.ChangeExtension(json, ".eml"), System.Text.Encoding.UTF8));
        })];
    }

    private static void WriteCertificate(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
