# The shipped network (pretrained/model.pt + model.json): its identity and its benchmark chi, pinned.
# Any change that alters what the shipped model returns (weights, inputs, normalisation, kernels, noise seeds) fails here.
# When a better model ships, re-pin with the numbers its model card (pretrained/README.md) reports.
BeforeDiscovery {
    $script:shipped = Test-Path (Join-Path $PSScriptRoot '../../pretrained/model.json')
    $script:twoNetworks = $script:shipped -and (Get-Content (Join-Path $PSScriptRoot '../../pretrained/model.json') -Raw | ConvertFrom-Json).HighSnrNetwork
}

BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    $root = Split-Path (Split-Path $PSScriptRoot)
    $script:cardPath = Join-Path $root 'pretrained/model.json'
    # 2D chi at SNR 200 (seed 1, the benchmark's signals), presets A-H, measured when the model was committed.
    $script:pinned = [ordered]@{
        A = 0.09468904263547225; B = 0.7741462964585544; C = 0.08405361655734173; D = 0.036255905627513754; E = 0.0614857921386155; F = 0.016139960191169717; G = 0.0288756896661689; H = 0.06485305418669109
    }
    # The same at SNR 20: a model of two networks inverts these with its main network, those above with its high-SNR one.
    $script:pinned20 = [ordered]@{
        A = 6.981600277836603; B = 0.34022590478338205; C = 0.5273295722060233; D = 0.3890904265528299; E = 0.5061909985207986; F = 0.15156055610486902; G = 0.16057512781186153; H = 4.0476308345197785
    }
}

Describe 'The shipped U-Net' -Skip:(-not $script:shipped) {
    BeforeAll {
        # The benchmark's 24 signals exactly as Reproduce-Paper.ps1 makes them (noise seeds follow the position in the call).
        $signals = New-NmrDistribution -Preset A, B, C, D, E, F, G, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
        # One call per SNR, as examples/Publish-Model.ps1 measures the pins; keyed 'A/200'.
        $script:chi = @{}
        foreach ($snr in 20, 200) {
            foreach ($c in @($signals | Where-Object Snr -EQ $snr) | Invoke-NmrUnetInversion -WarningAction SilentlyContinue | Measure-NmrChi) {
                $script:chi["$($c.Preset)/$snr"] = $c
            }
        }
    }

    It 'has a model card that matches its weights and names its recipe' {
        $card = Get-Content $script:cardPath -Raw | ConvertFrom-Json
        $weights = Join-Path (Split-Path $script:cardPath) $card.WeightsFile
        (Get-FileHash $weights -Algorithm SHA256).Hash.ToLowerInvariant() | Should -Be $card.WeightsSha256
        $high = if ($card.HighSnrNetwork) { Join-Path (Split-Path $script:cardPath) $card.HighSnrNetwork.WeightsFile }
        if ($high) { (Get-FileHash $high -Algorithm SHA256).Hash.ToLowerInvariant() | Should -Be $card.HighSnrNetwork.WeightsSha256 }
        $files = @($weights) + @($high | Where-Object { $_ })
        (Get-Item $files | Measure-Object Length -Sum).Sum | Should -BeLessThan 50MB
        $card.Inputs.Configuration | Should -Be 'Recipe'
        $card.Training.Samples | Should -BeGreaterThan 100000
    }

    It 'is used by Invoke-NmrUnetInversion with no parameters' {
        $r = New-NmrDistribution -Preset C | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrUnetInversion -WarningAction SilentlyContinue
        $r.ModelPath | Should -Be (Join-Path (Split-Path $script:cardPath) 'model.pt')
    }

    It 'inverts the benchmark''s SNR-20 signals with its main network and the SNR-200 and 2000 ones with its high-SNR network, if it has one' -Skip:(-not $script:twoNetworks) {
        $r = New-NmrDistribution -Preset A, E | New-NmrSignal -Snr 20, 200, 2000 -Seed 1 | Invoke-NmrUnetInversion -WarningAction SilentlyContinue
        $r.HighSnrNetwork | Should -Be @($false, $true, $true, $false, $true, $true)
        # The SNR read from the noise estimate, relative to the noisy maximum: within a few percent of the true SNR.
        foreach ($x in $r) { $x.EstimatedSnr / $x.Signal.Snr | Should -BeGreaterThan 0.9; $x.EstimatedSnr / $x.Signal.Snr | Should -BeLessThan 1.2 }
    }

    It 'keeps its accuracy on signals with an imperfect inversion (kappa 0.75), read through the signals'' own kernels' {
        # Trained with kappa = 1 only; a family model computes its inputs with the signal's kernels, so an inversion
        # efficiency changes the filtered estimates the network reads, not their kind. Measured (Spinsolve grid, SNR 200,
        # A-H, median 2D chi; these signals read as SNR 400, so the high-SNR network inverts them): kappa 1 0.0168,
        # 0.9 0.0179, 0.75 0.0195, 0.6 0.0211, 0.5 0.0223, 0.3 0.0295, 0.1 0.0361 (this loop over kappa 1, 0.9, 0.75,
        # 0.6, 0.5, 0.3, 0.1). The single network shipped before reached 0.027 at kappa 1 and 0.033 at 0.75 (x1.22);
        # this pair loses x1.16, preset H the most (0.024 -> 0.032).
        $t1 = [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t1', [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 3, 16))
        $t2 = [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t2', [double[]](1..1024 | ForEach-Object { $_ * 1e-4 }))
        $median = @{}
        foreach ($kappa in 1.0, 0.75) {
            $kernels = [NmrInversion.Engine.Kernels.KernelPair]::PaperT1T2.WithInversionEfficiency($kappa)
            $chi = foreach ($p in 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H') {
                $truth = New-NmrDistribution -Preset $p
                $s = [NmrInversion.Engine.Signals.ForwardModel]::Simulate($truth, $kernels, $t1, $t2, 200, 1)
                ($s | Invoke-NmrUnetInversion -WarningAction SilentlyContinue | Measure-NmrChi -Reference $truth).Chi2D
            }
            $median[$kappa] = [NmrInversion.Engine.Signals.NoiseEstimation]::Median([double[]]$chi)
        }
        $median[0.75] | Should -BeLessThan 0.025
        $median[0.75] | Should -BeLessThan (1.25 * $median[1.0])
    }

    It 'agrees with MTGV on the dominant peak of the Berea T1-T2 file within one cell (estimated inversion efficiency)' {
        # Measured: kappa 0.736; U-Net T1 98 ms, T2 3.4 ms (fraction 0.95, misfit 17), MTGV 92 ms, 3.2 ms (0.87, misfit
        # 1.50): 0.38 and 0.44 cells. With kappa = 1 the data's imperfect inversion is not in the kernel: MTGV puts 0.19 of
        # the mass at the T1 grid's edge (1 ms) and the network, which cannot, misses by 1.1 and 1.2 cells (misfit 64).
        $s = Import-NmrSignal (Join-Path $PSScriptRoot '../data/nmrinversions-jl/spinsolve_txt/IRCPMG') -EstimateInversionEfficiency
        $u = $s | Invoke-NmrUnetInversion -WarningAction SilentlyContinue
        # MTGV on the network's grid (a measured signal's own grid is the one its acquisition resolves).
        $m = $s | Invoke-NmrMtgv -RelaxationAxis1 $u.Distribution.Axis1.Values -RelaxationAxis2 $u.Distribution.Axis2.Values -WarningAction SilentlyContinue
        $pu = $u | Get-NmrPeak | Select-Object -First 1
        $pm = $m | Get-NmrPeak | Select-Object -First 1
        $cell1 = [math]::Log10($u.Distribution.Axis1.Maximum / $u.Distribution.Axis1.Minimum) / ($u.Distribution.Axis1.Count - 1)
        $cell2 = [math]::Log10($u.Distribution.Axis2.Maximum / $u.Distribution.Axis2.Minimum) / ($u.Distribution.Axis2.Count - 1)
        $m.Distribution.Axis1.Minimum | Should -Be $u.Distribution.Axis1.Minimum
        $m.Distribution.Axis2.Maximum | Should -Be $u.Distribution.Axis2.Maximum
        [math]::Abs($pu.LogMean1 - $pm.LogMean1) / $cell1 | Should -BeLessOrEqual 1
        [math]::Abs($pu.LogMean2 - $pm.LogMean2) / $cell2 | Should -BeLessOrEqual 1
        $pu.Fraction | Should -BeGreaterThan 0.5
        $pm.Fraction | Should -BeGreaterThan 0.5
    }

    It 'reproduces its pinned SNR-<Snr> benchmark chi within 1% (preset <Preset>)' -ForEach @(
        foreach ($snr in 200, 20) { foreach ($preset in 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H') { @{ Preset = $preset; Snr = $snr } } }
    ) {
        $chi = $script:chi["$Preset/$Snr"]
        $pin = if ($Snr -eq 200) { $script:pinned[$Preset] } else { $script:pinned20[$Preset] }
        $chi.Snr | Should -Be $Snr
        $chi.Chi2D | Should -BeGreaterThan (0.99 * $pin)
        $chi.Chi2D | Should -BeLessThan (1.01 * $pin)
    }
}
