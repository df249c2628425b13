# U-Net: training speed (recipe vs paper inputs, 16 base channels, 64 x 64), model load time, single-signal latency
# after load, and batch throughput. Targets: < 10 ms per 64x64 signal in a batch, load < 1 s; a model for every
# acquisition grid: < 20 ms per 16 x 1024 signal.
# Uses pretrained/model.json when present, else the model trained here (a few steps: accuracy is not the point).
# Every row: Operation, Value, Unit, Target.
$root = Join-Path ([IO.Path]::GetTempPath()) ("nmr-unet-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
function Row($Operation, $Value, $Unit, $Target = '') { [pscustomobject]@{ Operation = $Operation; Value = [math]::Round($Value, 2); Unit = $Unit; Target = $Target } }
# The median wall time in ms of $Count runs of $Action ($Count odd).
function MedianMilliseconds([int] $Count, [scriptblock] $Action) {
    $times = 1..$Count | ForEach-Object { (Measure-Command $Action).TotalMilliseconds }
    ($times | Sort-Object)[($Count - 1) / 2]
}
try {
    foreach ($inputs in 'Recipe', 'Paper') {
        $run = Start-NmrTraining (Join-Path $root $inputs) -Inputs $inputs -BaseChannels 16 -Depth 4 -BatchSize 32 -Samples 640 `
            -ValidationInterval 1000 -ValidationSize 32 -TestSize 0
        Row "Training, $inputs inputs, 16 base channels, batch 32, 64x64 ($([TorchSharp.torch]::get_num_threads()) threads)" $run.SamplesPerSecond 'samples/s'
    }
    $shipped = Join-Path $PSScriptRoot '../../pretrained/model.json'
    $model = if (Test-Path $shipped) { $shipped } else { Join-Path $root 'Recipe/model.pt' }

    # Load time: a fresh load (card, SHA-256, weights, warm-up), bypassing the cache; best of 3.
    $cardPath = [NmrInversion.Engine.Network.ModelCard]::CardPathFor($model)
    $card = [NmrInversion.Engine.Network.ModelCard]::Load($cardPath)
    $loads = 1..3 | ForEach-Object {
        [NmrInversion.Engine.Network.ModelCache]::Load($card, $cardPath, $card.WeightsPathBeside($cardPath), [TorchSharp.DeviceType]::CPU).LoadSeconds
    }
    Row "Model load, $($card.Architecture.BaseChannels) base channels" (1000 * ($loads | Measure-Object -Minimum).Minimum) 'ms' '< 1000 ms'

    $signals = New-NmrDistribution -Random -Count 64 -Seed 7 | New-NmrSignal -Snr 200 -Seed 7
    $one = $signals[0]
    $null = $one | Invoke-NmrUnetInversion -ModelPath $model -WarningAction SilentlyContinue   # loads into the cache
    $ms = MedianMilliseconds 11 { $null = $one | Invoke-NmrUnetInversion -ModelPath $model -WarningAction SilentlyContinue }
    Row 'Single 64x64 signal after load (cmdlet, median of 11)' $ms 'ms'

    # Batches: the median of 5 (a single batch on this 2-core VM varied from 13 to 30 ms per signal).
    $ms = MedianMilliseconds 5 { $null = $signals | Invoke-NmrUnetInversion -ModelPath $model -BatchSize 64 -WarningAction SilentlyContinue }
    Row "Batch of $($signals.Count) 64x64 signals (median of 5 batches)" ($ms / $signals.Count) 'ms/signal' '< 10 ms'

    # A model for every acquisition grid on a Spinsolve-like 16 x 1024 signal (target: < 20 ms per signal). The
    # kernels' SVDs for that grid are computed on the first call and cached: the first call is reported apart.
    $family = if ($card.AcquisitionFamily) { $model } else {
        (Start-NmrTraining (Join-Path $root 'Any') -AnyAcquisitionGrid -Dropout 0 -BaseChannels 16 -Depth 4 -BatchSize 32 -Samples 64 `
            -ValidationInterval 1000 -ValidationSize 32 -TestSize 0).ModelPath
    }
    $t1 = [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 3, 16)
    $t2 = [double[]](1..1024 | ForEach-Object { $_ * 1e-4 })
    $spin = New-NmrDistribution -Random -Count 64 -Seed 8 | New-NmrSignal -Snr 200 -Seed 8 -AcquisitionAxis1 $t1 -AcquisitionAxis2 $t2
    $first = (Measure-Command { $null = $spin[0] | Invoke-NmrUnetInversion -ModelPath $family -WarningAction SilentlyContinue }).TotalMilliseconds
    Row 'First 16x1024 signal (model load or cache hit, SVDs of the new grid)' $first 'ms'
    $call = @{ Count = 0 }   # a new signal each call: signals 1..11
    $ms = MedianMilliseconds 11 { $call.Count++; $null = $spin[$call.Count] | Invoke-NmrUnetInversion -ModelPath $family -WarningAction SilentlyContinue }
    Row 'Single 16x1024 signal, family model (cmdlet, median of 11)' $ms 'ms' '< 20 ms'
    $ms = MedianMilliseconds 5 { $null = $spin | Invoke-NmrUnetInversion -ModelPath $family -BatchSize 64 -WarningAction SilentlyContinue }
    Row "Batch of $($spin.Count) 16x1024 signals, family model (median of 5 batches)" ($ms / $spin.Count) 'ms/signal' '< 20 ms'
}
finally {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}
