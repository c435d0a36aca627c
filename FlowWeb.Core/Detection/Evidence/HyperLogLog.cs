using System.Numerics;

namespace FlowWeb.Core.Detection.Evidence;

/// <summary>
/// HyperLogLog (Flajolet et al. 2007) with 1,024 registers: distinct counts with about 3.3 % standard error in
/// 1 KiB, whatever the number of sources. An attack's distinct sources are counted with one, and so is each watched
/// key's second on each receive thread, on every record: with 4,096 registers the 64 watched keys' registers alone
/// were 256 KiB, and the receive thread waited for them (bench detection cost: evidence 25 % cheaper at 1,024).
/// </summary>
internal sealed class HyperLogLog
{
    public const int IndexBits = 10;
    public const int Registers = 1 << IndexBits;
    private readonly byte[] _registers = new byte[Registers];

    public void Add(ulong hash)
    {
        var index = (int)(hash >> (64 - IndexBits));
        var rank = (byte)(BitOperations.LeadingZeroCount((hash << IndexBits) | (1UL << (IndexBits - 1))) + 1);
        if (_registers[index] < rank)
        {
            _registers[index] = rank;
        }
    }

    public void Merge(HyperLogLog other)
    {
        for (var i = 0; i < Registers; i++)
        {
            if (other._registers[i] > _registers[i])
            {
                _registers[i] = other._registers[i];
            }
        }
    }

    public void Clear() => Array.Clear(_registers);

    public double Estimate()
    {
        double sum = 0;
        var zeros = 0;
        foreach (var register in _registers)
        {
            sum += 1.0 / (1UL << register);
            zeros += register == 0 ? 1 : 0;
        }

        var alpha = 0.7213 / (1 + (1.079 / Registers));
        var estimate = alpha * Registers * Registers / sum;

        // Small range: linear counting is exact enough and far better than the raw estimate.
        return estimate <= 2.5 * Registers && zeros > 0 ? Registers * Math.Log((double)Registers / zeros) : estimate;
    }
}
