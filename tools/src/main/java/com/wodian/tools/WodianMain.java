package com.wodian.tools;

public final class WodianMain
{
    public static void main(final String[] args)
    {
        System.out.println("wodian");
    }
}
