BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    $real = Join-Path $PSScriptRoot '../data/nmrinversions-jl'
    $PSDefaultParameterValues['Invoke-NmrMtgv:WarningAction'] = 'SilentlyContinue'
    $PSDefaultParameterValues['Invoke-NmrTikhonov:WarningAction'] = 'SilentlyContinue'

    # The same measurement, inverted onto another relaxation grid.
    function Set-RelaxationGrid($s, $r1, $r2) {
        [NmrInversion.Engine.Signals.Signal2D]::new($s.Values, $s.Axis1, $s.Axis2, $s.Kernels, $r1, $r2, $s.NoiseSigma, $null, $null, $s.Name, $null, $s.Provenance)
    }
    function New-Axis([string] $Name, [double] $Min, [double] $Max, [int] $Count = 64) { [NmrInversion.Engine.Grids.RelaxationAxis]::LogSpaced($Name, $Min, $Max, $Count) }
    # Mass-weighted mean of log10 of axis 1 (1D distributions).
    function Get-LogMean($d) {
        $v = $d.Values; $a = $d.Axis1.Values; $s = 0.0; $w = 0.0
        for ($i = 0; $i -lt $a.Count; $i++) { $s += $v[$i, 0] * [math]::Log10($a[$i]); $w += $v[$i, 0] }
        $s / $w
    }
    # Stejskal-Tanner: least-squares line of ln S against b; returns D = -slope.
    function Get-StejskalTannerD([double[]] $b, [double[]] $s) {
        $n = $b.Count; $mb = ($b | Measure-Object -Average).Average
        $y = $s | ForEach-Object { [math]::Log($_) }; $my = ($y | Measure-Object -Average).Average
        $sxy = 0.0; $sxx = 0.0
        for ($i = 0; $i -lt $n; $i++) { $sxy += ($b[$i] - $mb) * ($y[$i] - $my); $sxx += ($b[$i] - $mb) * ($b[$i] - $mb) }
        - $sxy / $sxx
    }
    # Exported as JSON and read back with the engine's reader: bit for bit.
    function Test-JsonRoundTrip($d, [string] $name) {
        $path = Join-Path $TestDrive "$name.json"
        $d | Export-NmrDistribution $path -Force
        $back = [NmrInversion.Engine.Formats.SignalJson]::ReadDistribution($path)
        if (-not $back.Axis1.Equals($d.Axis1) -or -not $back.Axis2.Equals($d.Axis2)) { return $false }
        for ($i = 0; $i -lt $d.Values.GetLength(0); $i++) {
            for ($j = 0; $j -lt $d.Values.GetLength(1); $j++) {
                if ([BitConverter]::DoubleToInt64Bits($back.Values[$i, $j]) -ne [BitConverter]::DoubleToInt64Bits($d.Values[$i, $j])) { return $false }
            }
        }
        $true
    }
}

AfterAll {
    # $PSDefaultParameterValues is one table for the whole run: later files must not inherit these.
    $PSDefaultParameterValues.Remove('Invoke-NmrMtgv:WarningAction')
    $PSDefaultParameterValues.Remove('Invoke-NmrTikhonov:WarningAction')
}

Describe 'Berea sandstone T1-T2 (Spinsolve IRCPMG, 16 x 1024)' {
    BeforeAll {
        $script:raw = Import-NmrSignal (Join-Path $real 'spinsolve_txt/IRCPMG')
        $script:paper = Set-RelaxationGrid $script:raw ([NmrInversion.Engine.Grids.RelaxationAxis]::PaperT1()) ([NmrInversion.Engine.Grids.RelaxationAxis]::PaperT2())
        # 64 x 64: T1 from 1e-4 s so that the incomplete inversion of the measurement (first row -0.69 of the last, not -1)
        # is representable (a component with T1 << t1_min is fully recovered at every t1), T2 from 1e-5 s (fast first echoes).
        $script:berea = Set-RelaxationGrid $script:raw (New-Axis T1 1e-4 10) (New-Axis T2 1e-5 1)
        $script:tik = Invoke-NmrTikhonov $script:berea
        $script:mtgv = Invoke-NmrMtgv $script:berea
        # The last inversion time (3 s) is fully recovered: its echo train is a 1D T2 decay.
        $row = [double[,]]::new(1024, 1)
        for ($j = 0; $j -lt 1024; $j++) { $row[$j, 0] = $script:berea.Values[15, $j] }
        $script:last = [NmrInversion.Engine.Signals.Signal2D]::new($row, $script:berea.Axis2, [NmrInversion.Engine.Grids.AcquisitionAxis]::Single(),
            [NmrInversion.Engine.Kernels.KernelPair]::For('T2'), $script:berea.RelaxationAxis2, [NmrInversion.Engine.Grids.RelaxationAxis]::Single(),
            $script:berea.NoiseSigma, $null, $null, 'Berea t1=3s', $null, $null)
    }

    It 'Tikhonov on the paper grid (T1 from 1 ms) searches alphas the solver accepts and converges' {
        # The paper grid (the default before measured signals got the grid their acquisition resolves) cannot represent
        # the incomplete inversion, so the linear GCV minimum fell below the solver's
        # smallest alpha: every scanned alpha was clamped to it and the chosen solve stalled with misfit 3.3e4.
        # The misfit floor of this grid is 5.3 (a fixed alpha of 1e-2 converges in 8 Newton steps to 5.32).
        $t = Invoke-NmrTikhonov $script:paper -WarningAction SilentlyContinue
        $t.Converged | Should -BeTrue
        @($t.SearchCurve.Points.Alpha | Sort-Object -Unique).Count | Should -BeGreaterThan 10
        $t.Misfit | Should -BeLessThan 6
        $t.Misfit | Should -BeGreaterThan 4
    }

    It 'MTGV on the paper grid fits as well as Tikhonov there (GCV walks only over solved alphas)' {
        # Before the GCV walk checked that each solve had reached its minimiser (a residual that does not grow with alpha),
        # it followed the falling scores of unfinished solves up to alpha 8.8e7: misfit 95.8. Measured now: alpha 8.3,
        # misfit 5.39, against Tikhonov's floor of 5.3 on this grid.
        $m = Invoke-NmrMtgv $script:paper -WarningAction SilentlyContinue
        $m.Misfit | Should -BeLessThan 6
        $m.Misfit | Should -BeGreaterThan 4
    }

    It 'MTGV fits the whole map within 10% of the Tikhonov floor' {
        # Measured: misfit 1.49 (alpha 9.2, beta 8.4e-4) against Tikhonov's 1.40; 16 before the GCV walk checked its solves.
        $script:mtgv.Misfit | Should -BeLessThan (1.1 * $script:tik.Misfit)
    }

    It 'Tikhonov fits the recovered rows to the noise level (0.8..1.2) and the whole map as well as the data allow' {
        $script:tik.Converged | Should -BeTrue
        # Residual row by row with the fitted amplitude: the rows the model explains sit at the noise level.
        $fit = [NmrInversion.Engine.Signals.ForwardModel]::Apply($script:tik.Distribution, $script:berea.Kernels, $script:berea.Axis1, $script:berea.Axis2)
        $num = 0.0; $den = 0.0
        foreach ($i in 0..15) { foreach ($j in 0..1023) { $num += $fit[$i, $j] * $script:berea.Values[$i, $j]; $den += $fit[$i, $j] * $fit[$i, $j] } }
        $c = $num / $den
        foreach ($i in 13..15) {
            $ss = 0.0; foreach ($j in 0..1023) { $r = $script:berea.Values[$i, $j] - $c * $fit[$i, $j]; $ss += $r * $r }
            [math]::Sqrt($ss / 1024) / $script:berea.NoiseSigma | Should -BeGreaterThan 0.8
            [math]::Sqrt($ss / 1024) / $script:berea.NoiseSigma | Should -BeLessThan 1.2
        }
        # Over the whole signal the misfit is the floor of the model: a 10x smaller alpha fits no better (within 2%).
        $floor = Invoke-NmrTikhonov $script:berea -Alpha ($script:tik.Alpha / 10)
        $script:tik.Misfit | Should -BeLessThan (1.02 * $floor.Misfit)
        $script:tik.Misfit | Should -BeLessThan 1.5
    }

    It 'with the estimated inversion efficiency, a T1 grid from the first inversion time reaches the same misfit floor' {
        # kappa and a population recovered at every t1 (T1 << 1 ms) fit the data alike (see -EstimateInversionEfficiency):
        # measured kappa 0.736, misfit 1.409 on T1 1e-3..10 s against 5.32 with kappa = 1, and 1.403 for the perfect kernel on
        # T1 1e-4..10 s. So the imperfect inversion is not what holds the misfit at 1.4 (see the next tests).
        $e = [NmrInversion.Engine.Inversion.InversionEfficiencyFit]::Estimate($script:berea, 0.2, [Threading.CancellationToken]::None)
        $e.Kappa | Should -BeGreaterThan 0.65
        $e.Kappa | Should -BeLessThan 0.85
        $e.T1Axis.Minimum | Should -Be 1e-3
        $e.Misfit | Should -BeLessThan (1.02 * $script:tik.Misfit)
        ($e.Curve | Where-Object Kappa -eq 1).Misfit | Should -BeGreaterThan (2 * $e.Misfit)
    }

    It 'Tikhonov misfit over the whole map is within 20% of the noise level' -Skip {
        # Fails, measured (Invoke-NmrTikhonov on $berea, GCV): misfit 1.403, alpha/10 1.403, and 1.403..1.404
        # for any kappa in 0.75..1 on T1 1e-4..10 s, 1.409 with the estimated kappa 0.736 on T1 1e-3..10 s. Not the noise estimate:
        # the real channel's own second-difference estimate (echoes 500..1023) is 20-27 per row against 25.1 from the imaginary
        # channel. Not a per-row phase drift (row phases within +-0.18 deg). The residual is smooth along t2 and changes sign
        # along t1 (128-echo block means at z = +20..+29 in rows 0-2, -19..-31 in rows 5-8, +17..+24 in rows 9-11), with an
        # odd/even-echo pattern in echoes 1-2 (+-5 sigma, sign following the row's signal; the imaginary channel alternates
        # too): a non-separable part of the data (e.g. diffusive exchange between pores, or CPMG pulse-imperfection echoes)
        # that no non-negative T1 x T2 map reproduces.
        $script:tik.Misfit | Should -BeLessThan 1.2
    }

    It 'MTGV misfit is within 20% of the noise level' -Skip {
        # Fails, measured: 1.49 (alpha 9.2 by GCV, beta 8.4e-4 by BRD), below it Tikhonov's model floor of 1.40 (see the
        # Tikhonov test above). Before the GCV walk checked its solves: 16 (alpha 2.6e7, where the primal-dual solve does
        # not converge: misfit 21.9 after 5,000 iterations, 13.0 after 60,000).
        $script:mtgv.Misfit | Should -BeLessThan 1.2
    }

    # The dominant T2 population: the peak (Get-NmrPeak region above 5 % of the maximum) holding the most mass, at its
    # mass-weighted log mean. The T2 distribution of this sandstone is one broad population (0.2-30 ms, 98-99 % of the mass
    # in the 1D inversions), so the single largest cell of the projection jumps between shoulders with the regularisation
    # (argmax measured at cell 40 for the 1D, 7 for Tikhonov's map, 35 for MTGV's) while the population's position does not.
    It 'MTGV: the dominant T2 population of the 2D map is where an MTGV inversion of the recovered row puts it (within one cell)' {
        # Measured: 2D 1.98 ms (fraction 0.99), 1D 2.11 ms (0.98): 0.34 cells apart (1D Tikhonov: 2.33 ms, 0.90 cells).
        $cell = 5 / 63
        $one = $script:last | Invoke-NmrMtgv | Get-NmrPeak | Select-Object -First 1
        $two = $script:mtgv | Get-NmrPeak -Projection T2 | Select-Object -First 1
        $one.Fraction | Should -BeGreaterThan 0.9
        $two.Fraction | Should -BeGreaterThan 0.9
        [math]::Abs($two.LogMean1 - $one.LogMean1) / $cell | Should -BeLessOrEqual 1
    }

    It 'Tikhonov: the dominant T2 population of the 2D map is where a Tikhonov inversion of the recovered row puts it (within one cell)' -Skip {
        # Fails, measured: 2D 3.01 ms (fraction 0.85), 1D 2.33 ms (0.99): 1.39 cells apart. Tikhonov's map moves 0.14 of
        # the mass into a separate peak at 41 us, below the first echo (100 us) where no echo sees it, and its main
        # population shifts up by the same token; on T2 1e-4..1 s (first cell at the first echo) it is 0.89 cells and
        # passes, but MTGV's misfit there rises from 1.49 to 1.99.
        $cell = 5 / 63
        $one = Invoke-NmrTikhonov $script:last | Get-NmrPeak | Select-Object -First 1
        $two = $script:tik | Get-NmrPeak -Projection T2 | Select-Object -First 1
        [math]::Abs($two.LogMean1 - $one.LogMean1) / $cell | Should -BeLessOrEqual 1
    }

    It 'Tikhonov and MTGV results round-trip through JSON bit for bit' {
        Test-JsonRoundTrip $script:tik.Distribution 'berea-tik' | Should -BeTrue
        Test-JsonRoundTrip $script:mtgv.Distribution 'berea-mtgv' | Should -BeTrue
    }
}

Describe 'Spinsolve D-T2 (PFGCPMG, 16 b values x 8000 echoes)' {
    BeforeAll {
        $raw = Import-NmrSignal (Join-Path $real 'spinsolve_txt/PFGCPMG')
        $script:dt2 = Set-RelaxationGrid $raw (New-Axis D 1e-11 1e-7) (New-Axis T2 1e-4 10)
        # Independent estimate: mean of the first 20 echoes (5 ms << T2) per b value, ln S against b over rows 1..5.
        # Row 0 (b = 3.4e5) reads below row 1 and rows 6.. sit at the noise/baseline (-7..+1), so they are left out.
        $s = foreach ($i in 1..5) { $m = 0.0; foreach ($j in 0..19) { $m += $raw.Values[$i, $j] }; $m / 20 }
        $script:dST = Get-StejskalTannerD $raw.Axis1.Values[1..5] $s
    }

    It 'the independent Stejskal-Tanner estimate is a water-like D' {
        $script:dST | Should -BeGreaterThan 1e-9
        $script:dST | Should -BeLessThan 3e-9
    }

    It '<Method> puts the dominant D within 10% of the Stejskal-Tanner fit' -ForEach @(@{ Method = 'Tikhonov' }, @{ Method = 'MTGV' }) {
        # MTGV measured: D 1.68e-9 against 1.81e-9 (-7%), misfit 1.03 (alpha 5.2, beta 1.05e-4). Before the GCV walk checked
        # that its solves had reached their minimisers it chose alpha 5.5e3, where the solve does not converge: D 1.51e-9
        # (-17%), misfit 1.71.
        $r = if ($Method -eq 'Tikhonov') { Invoke-NmrTikhonov $script:dt2 } else { Invoke-NmrMtgv $script:dt2 }
        $r.Misfit | Should -BeLessThan 2
        $peak = $r | Get-NmrPeak | Sort-Object Fraction -Descending | Select-Object -First 1
        [math]::Abs($peak.D / $script:dST - 1) | Should -BeLessThan 0.10 -Because "dominant D $($peak.D) vs Stejskal-Tanner $($script:dST)"
        Test-JsonRoundTrip $r.Distribution "dt2-$Method" | Should -BeTrue
    }
}

Describe 'PFG water (csv, 1D diffusion)' {
    BeforeAll {
        $script:pfg = Import-NmrSignal (Join-Path $real 'csv/PFG_water.csv') -Experiment D -BUnit ms/um2
        $script:pfg = Set-RelaxationGrid $script:pfg (New-Axis D 1e-11 1e-7) ([NmrInversion.Engine.Grids.RelaxationAxis]::Single())
        $amp = foreach ($i in 0..15) { $script:pfg.Values[$i, 0] }
        $script:dST = Get-StejskalTannerD $script:pfg.Axis1.Values $amp
    }

    It '<Method> puts the dominant D within 10% of the Stejskal-Tanner fit of all 16 points' -ForEach @(@{ Method = 'Tikhonov' }, @{ Method = 'Mtgv' }) {
        $r = if ($Method -eq 'Tikhonov') { Invoke-NmrTikhonov $script:pfg } else { Invoke-NmrMtgv $script:pfg }
        $peak = $r | Get-NmrPeak | Sort-Object Fraction -Descending | Select-Object -First 1
        [math]::Abs($peak.D / $script:dST - 1) | Should -BeLessThan 0.10 -Because "dominant D $($peak.D) vs Stejskal-Tanner $($script:dST)"
        Test-JsonRoundTrip $r.Distribution "pfg-$Method" | Should -BeTrue
    }
}

Describe 'minispec and GeoSpec 1D files' {
    # Log-mean compared as a time: 10^|logmean_Tikhonov - logmean_MTGV| - 1 < 5%, i.e. |difference| < log10(1.05) = 0.0212 decades.
    It '<File>: Tikhonov and MTGV log-mean times agree within 5%' -ForEach @(
        @{ File = 'bruker/minispec/cpmg.dps'; Name = 'T2'; Min = 1e-4; Max = 10 }
        @{ File = 'geospec_txt/CPMG_bunter.txt'; Name = 'T2'; Min = 1e-4; Max = 10 }
        @{ File = 'geospec_txt/IR_bunter.txt'; Name = 'T1'; Min = 1e-5; Max = 10 }
    ) {
        $s = Import-NmrSignal (Join-Path $real $File)
        $s = Set-RelaxationGrid $s (New-Axis $Name $Min $Max) ([NmrInversion.Engine.Grids.RelaxationAxis]::Single())
        $t = Invoke-NmrTikhonov $s
        $m = Invoke-NmrMtgv $s
        $t.Misfit | Should -BeLessThan 1.5
        $m.Misfit | Should -BeLessThan 1.5
        $lt = Get-LogMean $t.Distribution
        $lm = Get-LogMean $m.Distribution
        [math]::Abs($lt - $lm) | Should -BeLessThan ([math]::Log10(1.05)) -Because "log-means $lt (Tikhonov) and $lm (MTGV)"
        Test-JsonRoundTrip $t.Distribution 'tik1d' | Should -BeTrue
        Test-JsonRoundTrip $m.Distribution 'mtgv1d' | Should -BeTrue
    }
}

Describe 'Tecmag TNMR files (silicone oil, 1D)' {
    BeforeAll {
        $s = Import-NmrSignal (Join-Path $real 'tecmag_tnt/CPMG_silicon_oil.tnt')
        $script:cpmg = Set-RelaxationGrid $s (New-Axis T2 1e-4 10) ([NmrInversion.Engine.Grids.RelaxationAxis]::Single())
        $script:cpmgTik = Invoke-NmrTikhonov $script:cpmg
    }

    It 'CPMG (5000 echoes): Tikhonov and MTGV fit it and their log-mean T2 agree within 5%' {
        $m = Invoke-NmrMtgv $script:cpmg
        # 1.48 and 1.50: the echo train alternates slightly between odd and even echoes, which no T2 distribution fits.
        $script:cpmgTik.Misfit | Should -BeLessThan 1.6
        $m.Misfit | Should -BeLessThan 1.6
        $lt = Get-LogMean $script:cpmgTik.Distribution
        $lm = Get-LogMean $m.Distribution
        [math]::Abs($lt - $lm) | Should -BeLessThan ([math]::Log10(1.05)) -Because "log-means $lt (Tikhonov) and $lm (MTGV)"
    }

    It 'inversion recovery (16 delays): the T1 peak is within 10% of the zero crossing''s T1 = t0 / ln(1 + kappa), and above T2' {
        $s = Import-NmrSignal (Join-Path $real 'tecmag_tnt/IR_silicon_oil.tnt') -EstimateInversionEfficiency
        $kappa = $s.Kernels.InversionEfficiency
        # Independent of the inversion: kappa from the first and last points, the zero crossing t0 interpolated linearly.
        $y = foreach ($i in 0..15) { $s.Values[$i, 0] }
        $t = $s.Axis1.Values
        $kappaData = - $y[0] / $y[15]
        [math]::Abs($kappa - $kappaData) | Should -BeLessThan 0.02 -Because "fitted kappa $kappa, first/last points $kappaData"
        $k = (0..14 | Where-Object { $y[$_] -lt 0 -and $y[$_ + 1] -ge 0 })[0]
        $t0 = $t[$k] + ($t[$k + 1] - $t[$k]) * (- $y[$k]) / ($y[$k + 1] - $y[$k])
        $expected = $t0 / [math]::Log(1 + $kappaData)
        $s = Set-RelaxationGrid $s (New-Axis T1 1e-5 10) ([NmrInversion.Engine.Grids.RelaxationAxis]::Single())
        $r = Invoke-NmrTikhonov $s
        $r.Misfit | Should -BeLessThan 2.5
        $peak = $r | Get-NmrPeak | Sort-Object Fraction -Descending | Select-Object -First 1
        [math]::Abs($peak.T1 / $expected - 1) | Should -BeLessThan 0.10 -Because "T1 peak $($peak.T1) s against $expected s from the zero crossing"
        [math]::Log10($peak.T1) | Should -BeGreaterThan (Get-LogMean $script:cpmgTik.Distribution)
    }
}
